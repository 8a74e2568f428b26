"""Who may do what on the operators' page: an operator signed in on the operators' host
(operators.operator_of), nobody else; no tenant's person is an operator."""


def may_operate(operator) -> bool:
    return operator is not None
