"""A recorded survivor is taken as surviving only while its module is as it was recorded."""

from tests.mutation.recorded import module_of, record, taken_as_surviving

SURVIVOR = "visits.sweeps.x__drain__mutmut_6"


def recorded_tree(tmp_path):
    tree = tmp_path / "mutants"
    (tree / "visits").mkdir(parents=True)
    (tree / "visits" / "sweeps.py").write_text("def x__drain__mutmut_6(): pass\n")
    kept = tmp_path / "recorded.json"
    record({"visits/sweeps.py": [SURVIVOR]}, tree, kept)
    return tree, kept


def test_a_mutants_module_is_read_from_its_name_functions_and_methods_alike():
    assert module_of(SURVIVOR) == "visits/sweeps.py"
    assert module_of("aligns.accounts.models.xǁUserǁclean__mutmut_2") == "aligns/accounts/models.py"


def test_a_recorded_survivor_of_an_unchanged_module_is_not_run_again(tmp_path, monkeypatch):
    tree, kept = recorded_tree(tmp_path)
    monkeypatch.delenv("MUTATION_ALL", raising=False)

    assert taken_as_surviving(SURVIVOR, tree, kept)
    assert not taken_as_surviving("visits.sweeps.x__drain__mutmut_7", tree, kept)


def test_any_change_to_the_module_runs_its_survivors_again(tmp_path, monkeypatch):
    tree, kept = recorded_tree(tmp_path)
    monkeypatch.delenv("MUTATION_ALL", raising=False)
    (tree / "visits" / "sweeps.py").write_text("def x__drain__mutmut_6(): return 1\n")

    assert not taken_as_surviving(SURVIVOR, tree, kept)


def test_mutation_all_runs_every_survivor(tmp_path, monkeypatch):
    tree, kept = recorded_tree(tmp_path)
    monkeypatch.setenv("MUTATION_ALL", "1")

    assert not taken_as_surviving(SURVIVOR, tree, kept)
