import pytest

from qa.conversation import is_followup, rewrite_followup, validate_history, validate_question
from qa.errors import InputError
from qa.language import detect_language, expand_query

HISTORY = [{"role": "user", "content": "Vad tycker reservanterna om regional utveckling?"},
           {"role": "assistant", "content": "Moderaterna och Folkpartiet skriver …"}]


def test_pronoun_is_replaced_by_the_previous_topic():
    assert rewrite_followup("Och vad tycker stadsledningskontoret om det?", HISTORY) == \
        "Och vad tycker stadsledningskontoret om regional utveckling?"
    assert rewrite_followup("What does the city executive office say about it?", HISTORY) == \
        "What does the city executive office say about regional utveckling?"


def test_short_followup_gets_the_topic_and_standalone_questions_stay():
    assert "regional utveckling" in rewrite_followup("Vem skrev det?", HISTORY)
    standalone = "Vilket parti tillhör Lotta Edholm?"
    assert not is_followup(standalone)
    assert rewrite_followup(standalone, HISTORY) == standalone
    assert rewrite_followup("Och vad tycker stadsledningskontoret om det?", []) == \
        "Och vad tycker stadsledningskontoret om det?"


@pytest.mark.parametrize("bad", [None, "", "   ", "\x00\x01", "🙂🙂", 42, "x" * 2001])
def test_bad_questions_are_refused_with_a_reason(bad):
    with pytest.raises(InputError):
        validate_question(bad)


def test_control_characters_are_removed_and_whitespace_collapsed():
    assert validate_question("  Vad\x00 tycker\n\n M? ") == "Vad tycker M?"


def test_history_must_be_turns():
    assert validate_history(HISTORY) == HISTORY
    for bad in ["text", [{"role": "system", "content": "x"}], [{"role": "user"}]]:
        with pytest.raises(InputError):
            validate_history(bad)


def test_language_and_english_glossary():
    assert detect_language("Vad tycker reservanterna?") == "sv"
    assert detect_language("what does the city executive office think about KSL") == "en"
    assert detect_language("vad ska ksl vara") == "sv"
    assert "stadsledningskontoret" in expand_query("What does the city executive office think?")
    assert expand_query("Vad tycker M?") == "Vad tycker M?"
    # a Swedish name in an English question does not make it Swedish; a Swedish word does
    assert detect_language("Why does Karin Wanngård want the dialogue to go on?") == "en"
    assert detect_language("Vad tycker Wanngård om KSL") == "sv"
    assert detect_language("Tycker Wanngård om KSL") == "sv"
    # an English question may name a Swedish body in its own word; a Swedish one stays Swedish with one English word
    assert detect_language("What does borgarrådsberedningen propose that the executive board should decide?") == "en"
    assert detect_language("Which parties entered the reservation in borgarrådsberedningen?") == "en"
    assert detect_language("Vilka sitter i borgarrådsberedningen?") == "sv"
    assert detect_language("Vad säger kontoret om the steering groups?") == "sv"
    assert detect_language("Vad tycker de om budgeten?") == "sv"
    # the verb of a reservation meets the documents' noun
    assert "reservation" in expand_query("Vilka reserverade sig i kommunstyrelsen?")
    # the deadline of a remiss is its "Remisstid"; the subjects of the genre in English get their Swedish words
    assert "remisstid" in expand_query("När måste kommunen senast svara på remissen?")
    assert "remisstid" not in expand_query("När kom remissen?")
    assert "flyktingmottagande" in expand_query("Does the report say anything about refugees?")
