from zhengxie.search.read_models import marked, passage
from zhengxie.search.text import highlight_spans, index_tokens, normalize, query_words


def test_two_character_words_are_indexed_inside_longer_words():
    tokens = index_tokens("新建区停车场建设与物业管理，医疗保障，智慧停车场")

    # jieba's precise cut keeps 停车场, 物业管理 and 医疗保障 whole; the index also holds the words inside them.
    for word in ("停车场", "停车", "物业管理", "物业", "管理", "医疗保障", "医疗", "保障", "智慧"):
        assert word in tokens, word


def test_traditional_and_simplified_read_the_same():
    assert normalize("醫療保障與停車場") == "医疗保障与停车场"
    assert index_tokens("醫療保障") == index_tokens("医疗保障")
    assert query_words("停車 醫療") == ("停车", "医疗")


def test_query_words_drop_punctuation_control_characters_and_repeats():
    assert query_words('"停车" * NEAR - ( 停车 \x00') == ("停车", "near")
    assert query_words("") == ()
    assert query_words('"*-()') == ()


def test_committee_terms_are_words():
    assert "承办单位" in query_words("承办单位的答复")
    assert "交办" in query_words("提案交办")


def test_passage_marks_the_words_and_escapes_the_rest():
    body = "前文" * 40 + "<b>停車</b>难的问题"
    text, spans = passage(body, ("停车",))

    assert text.startswith("…") and "停車" in text
    assert [text[s:e] for s, e in spans] == ["停車"]
    assert str(marked(text, spans)).endswith("&lt;b&gt;<mark>停車</mark>&lt;/b&gt;难的问题")


def test_highlight_spans_merge_overlaps():
    assert highlight_spans("停车场停车", ("停车", "车场")) == [(0, 5)]
