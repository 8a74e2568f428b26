from samtale.core.queries import counts
from samtale.org.models import Person, Unit


def test_counts_counts_each_queryset_in_one_query(db, django_assert_num_queries):
    unit = Unit.objects.create(code="1", name="Enhet")
    for n in range(3):
        Person.objects.create(
            email=f"p{n}@x.example", first_name="P", last_name=str(n), unit=unit if n else None
        )
    with django_assert_num_queries(1):
        found = counts(
            everyone=Person.objects.all(),
            in_unit=Person.objects.filter(unit=unit),
            nobody=Person.objects.filter(last_name="ingen"),
            units=Unit.objects.all(),
        )
    assert found == {"everyone": 3, "in_unit": 2, "nobody": 0, "units": 1}
