"""The walk the guard tests share (testkit.source): a walk that finds a hundred files
or fewer fails, so a guard over the wrong folder fails instead of passing over nothing."""

import pytest

from testkit.source import PRODUCT, REPOSITORY, product_files, walked


def _tree(root, count, folder="app"):
    (root / "samtale" / folder).mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (root / "samtale" / folder / f"m{n}.py").write_text("x = 1\n")


def test_a_walk_from_the_wrong_root_fails_instead_of_finding_nothing():
    with pytest.raises(AssertionError, match="only 0 files under .*samtale/samtale"):
        product_files(PRODUCT)  # the mistake a guard once made: samtale/samtale/
    assert len(product_files(REPOSITORY)) > 100


def test_a_hundred_files_are_too_few_and_a_hundred_and_one_are_enough(tmp_path):
    _tree(tmp_path, 100)
    with pytest.raises(AssertionError, match="only 100 files"):
        product_files(tmp_path)
    _tree(tmp_path, 1, folder="other")
    assert len(product_files(tmp_path)) == 101


def test_the_folders_left_out_are_those_below_the_walked_one_not_above(tmp_path):
    root = tmp_path / "tests" / "migrations"  # where the repository lies is no concern
    _tree(root, 101)
    _tree(root, 5, folder="tests")
    _tree(root, 5, folder="app/migrations")
    assert len(product_files(root)) == 101
    assert len(product_files(root, leave_out=["migrations"])) == 106


def test_within_keeps_what_is_inside_a_folder_of_that_name(tmp_path):
    for n in range(101):
        page = tmp_path / "templates" / "app" / f"p{n}.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text("")
    (tmp_path / "other.html").write_text("")
    found = walked([tmp_path / "templates"], suffixes=(".html",), within="templates")
    assert len(found) == 101
