"""The one publication rule for every figure from people's answers: the statements' answers,
how satisfied people were with their conversation, and the goals' results. The status
analysis, the answers page, the rating habits, the API and every export read their figures
here, and nowhere else.

1. **Frozen periods.** Figures are published once per closed period and never change: a
   round when it closes (the answers of its conversations final before then), a year when
   it has ended (the answers final in it). An answer is final when it can no longer
   change: the statements when the conversation is signed, the satisfaction rating when it
   is given, a goal's result when it is recorded (recorded again later, it counts again in
   the period it was recorded in). Answers after a period closed count in the next one. The
   current year and an open round have no figures from answers: a live count would show
   one more answer arriving.
2. **Where the answer was given.** Each final answer carries where the employee stood at
   that moment (their unit, profession group and line: `counted_as`, org.selectors.
   position_of) and counts there for good: a move, a new line manager or an import never
   moves past answers.
3. **Complementary suppression.** Every figure anyone can see, of every period, is decided
   together (insight.anonymity): a group is published only when no atom of what can be
   computed from everything published holds 1 … k−1 people. Since each viewer sees only
   some of these groups, whatever one viewer (or one viewer in two roles) can fetch is safe
   too. Rounds close before their year ends, so their figures come first and a year's are
   published only where they add none or at least k people to its rounds'.

The groups, and who sees them (measures.GROUPS): HR the units (by the unit the answer was
given in, and each profession group within them); a leader the answers given below them in
the line (their "everyone below you", and per unit); HR the goal results per leader who held
the conversation (the rating habits).

The modules, by job: `measures` (what is published), `cells` (the answers and the groups
they are in), `periods` (the periods that have closed), `publish` (deciding and keeping a
period's figures, one publisher at a time) and `figures` (reading what was published).
"""
