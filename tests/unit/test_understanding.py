"""Stage 1 of answering: what a message asks, read from its words alone."""

from typing import Optional

import pytest

from answering.settings import settings
from answering.understand import (
    Turn,
    asked_details,
    asked_spans,
    asks_for_the_source,
    conversation_language,
    cued_kind,
    cued_kinds,
    questions_in,
    sentence_spans,
    small_talk_cue,
    understand,
)


def test_korean_sentences_end_without_punctuation() -> None:
    text = "저 31살 건성이에요ㅠㅠ 요즘 세안 후에 당기는 느낌이 있고… 각질팩은 얼마나 자주 해요?"
    assert [text[start:end] for start, end in sentence_spans(text)] == [
        "저 31살 건성이에요",
        "요즘 세안 후에 당기는 느낌이 있고…",
        "각질팩은 얼마나 자주 해요?",
    ]
    assert questions_in(text) == (("각질팩은 얼마나 자주 해요?",), True)


@pytest.mark.parametrize(
    "text",
    ["각질팩 붙였다 떼면 모공이 넓어져요?", "레티놀 처음 쓰는데 모공 줄어요?", "보습이 중요 하다던데 왜 그래요?"],
)
def test_a_joining_ending_or_a_noun_does_not_end_a_korean_sentence(text: str) -> None:
    assert [text[start:end] for start, end in sentence_spans(text)] == [text]


@pytest.mark.parametrize(
    "text, intent",
    [
        ("thx a lot!!", "thank"),
        ("정말 감사해요 수고하세요~", "thank"),
        ("ok bye for now", "goodbye"),
        ("안녕히 계세요", "goodbye"),
        ("heyyy", "greet"),
        ("how often should I use a collagen mask if I have time after work?", None),
        ("can I do it later?", None),
        ("하이푸 효과 있어요?", None),
        ("안녕?", "greet"),
    ],
)
def test_small_talk_words_of_a_short_message(text: str, intent) -> None:
    assert small_talk_cue(text) == intent


def test_a_question_word_a_few_words_after_and_starts_a_question() -> None:
    text = "how often do i use the iontophoresis device? and besides vitamin c what else firms pores"
    assert questions_in(text)[0] == (
        "how often do i use the iontophoresis device?",
        "and besides vitamin c what else firms pores",
    )
    assert questions_in("my skin is oily. but my cheeks are dry. and my nose is red")[0] == (
        "my skin is oily. but my cheeks are dry. and my nose is red",
    )


@pytest.mark.parametrize("text", ["what do pores actually do?", "why do we even have pores", "what r pores for"])
def test_what_pores_are_for_asks_what_they_are(text: str) -> None:
    assert cued_kind(text) == "what_is"


def test_asking_for_the_original_english_sentences_does_not_switch_to_english() -> None:
    assert conversation_language(Turn("원문 문장 영어로 보여줄래요?", "nlu_fallback", language_slot="ko")) == (
        "ko",
        False,
    )
    assert conversation_language(Turn("영어로 말해줘", "nlu_fallback", language_slot="ko")) == ("en", True)


@pytest.mark.parametrize(
    "text", ["설명서가 다 영어로 되어 있어서 잘 모르겠어요. 매일 써도 돼요?", "한글로 써있는 팩이라 못 읽겠어"]
)
def test_a_language_mentioned_in_passing_switches_nothing(text: str) -> None:
    assert conversation_language(Turn(text, "nlu_fallback", language_slot="ko"))[1] is False


@pytest.mark.parametrize("text, language", [("영어로도 대답해줘", "en"), ("영어로", "en"), ("한국어로 해주세요", "ko")])
def test_a_korean_request_for_a_language_switches(text: str, language: str) -> None:
    assert conversation_language(Turn(text, "nlu_fallback", language_slot="ko")) == (language, True)


def test_a_trailing_emoticon_is_no_sentence() -> None:
    text = "민감성 피부인데 보습팩 써도 돼요? ㅠ"
    assert [text[start:end] for start, end in sentence_spans(text)] == ["민감성 피부인데 보습팩 써도 돼요?"]
    assert questions_in(text) == ((text,), False)


def test_what_do_i_do_asks_how() -> None:
    assert cued_kind("so if my skin stings after a peel what do i do") == "how_to"


@pytest.mark.parametrize(
    "text, asks",
    [
        ("could you quote the passage behind that?", True),
        ("show me the text that backs this up", True),
        ("아까 그 문장 원문 그대로 보여줘", True),
        ("원본 문장 좀 보여주세요", True),
        ("소스 문장 보여줘", True),
        ("copy paste the original line word for word please", True),
        ("proof? like what does the doc literally say", True),
        ("정확한 문장 뭐라고 돼있는지 보여줄수있음?", True),
        ("문서에 정확히 어떻게 써있는지 알려주세요", True),
        ("what does the text on the bottle say about retinol", False),
        ("is there a study on vitamin c and pores", False),
        ("hm ok. source?", True),
        ("r u making that up??", True),
        ("was that from a real source", True),
        ("그거 어디 자료에 나와요?", True),
        ("i made it up on the spot, is that a bad routine?", False),
        ("if i miss a night of exfoliating should you make it up the next day?", False),
    ],
)
def test_a_short_message_naming_the_source_and_pointing_back_asks_for_it(text: str, asks: bool) -> None:
    assert asks_for_the_source(text) is asks


def test_numbered_questions_are_questions_of_their_own() -> None:
    assert questions_in("two qs: 1) how often do I exfoliate? 2) what goes on after a peel")[0] == (
        "how often do I exfoliate?",
        "what goes on after a peel",
    )
    # ...whether or not they end like a question
    assert questions_in("궁금한게 1. 모공이 대충 몇개나 있는지 2. 왜 코만 유독 큰지 알려주세요")[0] == (
        "모공이 대충 몇개나 있는지",
        "왜 코만 유독 큰지 알려주세요",
    )


@pytest.mark.parametrize("text", ["where do i even start with my pores", "what's your #1 tip for pores?"])
def test_where_to_start_is_a_broad_question(text: str) -> None:
    assert cued_kind(text) == "overview"


@pytest.mark.parametrize(
    "text, kind",
    [
        ("what are the basics for keeping pores in ok shape?", "overview"),
        ("and what happens if i go over that?", "cause"),
    ],
)
def test_more_ways_to_ask_broadly_or_about_overdoing(text: str, kind: str) -> None:
    assert cued_kind(text) == kind


def test_a_detail_is_read_from_the_sentences_that_ask() -> None:
    assert asked_details("my nose n cheeks have massive pores and im shiny by lunch every day. general advice?") == []
    asked = asked_details("i exfoliate on sundays. can i do it every day?")
    assert [cue.reply for cue in asked] == ["detail_frequency"]


def test_whats_after_also_starts_a_question() -> None:
    questions, _ = questions_in("are saggy pores just aging? also dumb q but whats the best way to dry my face")
    assert len(questions) == 2


def test_two_periods_end_a_korean_sentence() -> None:
    text = "루틴은 바꾼게 없어서 환경 탓인가 싶기도 하고.. 습도 같은 환경도 모공이랑 관계가 있나요?"
    assert [text[start:end] for start, end in sentence_spans(text)][-1] == "습도 같은 환경도 모공이랑 관계가 있나요?"


def test_where_of_a_korean_follow_up_asks_for_the_place() -> None:
    assert [cue.reply for cue in asked_details("어디어디 하면 되는데")] == ["detail_location"]


def test_saying_one_has_no_idea_which_asks() -> None:
    text = (
        "There's like 500 serums on the shelf with different numbers on them, 5%, 10%, 15%, 20%. "
        "I have no idea what strength is actually worth buying. My wife uses one. I'm 45 and my cheeks "
        "sag a bit more every year, the bathroom light makes it worse. Is that enough?"
    )
    assert "I have no idea what strength is actually worth buying." in questions_in(text)[0]
    told = "I still have no idea what I'm doing with my own skin. Why do pores sag?"
    assert [told[start:end] for start, end in asked_spans(told)] == ["Why do pores sag?"]


def test_a_korean_sentence_asking_two_things_is_split_after_the_first() -> None:
    text = "모공 크기를 본다는데 의미가 있는 건지 궁금하고요, 레이저 받고 나서 각질제거는 바로 해도 되는지도 알려주세요"
    assert len(questions_in(text)[0]) == 2


@pytest.mark.parametrize(
    "text",
    [
        "does eating dairy make pores worse? my aunt swears quitting smoking messed up her skin, is that a thing",
        "where on the face does dead skin build up? also hot or cold water for washing, i never know",
        "pore botox, does that actually work? and separately, does smoking mess with your pores",
    ],
)
def test_a_second_sentence_asking_without_a_question_mark_is_a_question(text: str) -> None:
    assert len(questions_in(text)[0]) == 2


@pytest.mark.parametrize(
    "text",
    ["what are the actual bits that matter for pores?", "what's the original purpose of pores?"],
)
def test_a_question_about_the_actual_bits_or_the_original_purpose_is_no_source_request(text: str) -> None:
    assert asks_for_the_source(text) is False


@pytest.mark.parametrize(
    "text, kind",
    [
        ("how do you actually tighten saggy pores", "overview"),
        ("what's a gentle way to wash my face", "how_to"),
        ("how does vitamin c even work on pores", "what_is"),
        ("비타민C가 모공에 좋은 원리가 뭐예요?", "what_is"),
        ("what's a decent cleansing routine", "overview"),
        ("모공 크기는 뭐가 결정해요?", "cause"),
        ("유전이면 노력해도 소용없나요", "overview"),
        ("my stretched pores, can they even be fixed?", "overview"),
        ("얼마나 줄여야 돼요?", "frequency"),
        ("how much should i cut back?", "frequency"),
        ("레티놀은 왜 좋은 거예요?", "what_is"),
        ("why is retinol so recommended?", "what_is"),
        ("모공이 타고난 거면 포기하는 게 맞아요?", "overview"),
        ("should i just give up on my pores at this point", "overview"),
        ("my nose pores is very big, what i can do for them?", "overview"),
        ("if its aging, what am i supposed to use then", "overview"),
        ("레티놀이 모공에 어떻게 좋아요?", "what_is"),
        ("콜라겐 마스크가 피부에 좋나요? 언니가 추천했어요", "what_is"),
        ("세안은 어떻게 하는 게 모공에 좋아요?", "how_to"),
        ("what would really help my nose pores", "overview"),
        ("whats the best approach for big pores", "overview"),
        ("how do i stop my pores from getting bigger", "overview"),
        ("그래도 작아 보이게 할 방법 같은 거 있어요?", "overview"),
        ("never did skincare in my life, where would a beginner even start", "overview"),
        ("what does the research say helps pores look smaller", "overview"),
        ("does toner help them look smaller?", "what_is"),
        ("결국 뭐가 제일 효과 좋아요?", "overview"),
        ("그럼 제가 할 수 있는 건 뭐예요?", "overview"),
        ("if it runs in the family am i stuck with them?", "overview"),
        ("일주일에 몇 번 해야 피부에 좋아요?", "frequency"),
        ("클렌저는 어떤 게 제일 좋아요?", "recommendation"),
    ],
)
def test_ways_to_ask_how_what_and_broadly(text: str, kind: str) -> None:
    assert cued_kind(text) == kind


def test_a_broad_question_about_a_topics_routine_asks_how_to_do_it() -> None:
    assert "how_to" in cued_kinds("what's a decent cleansing routine")


def test_a_sentence_opening_with_like_and_asking_is_a_question() -> None:
    questions, _ = questions_in("does stress make pores bigger? like would more sleep change anything")
    assert len(questions) == 2


def test_two_korean_whether_clauses_joined_by_rang_are_two_questions() -> None:
    questions, _ = questions_in("농도 몇 프로가 좋은지랑, 레티놀이랑 같이 써도 되는지 궁금해요")
    assert len(questions) == 2


@pytest.mark.parametrize(
    "text",
    [
        "i need the verbatim text for that",
        "source?? the literal line please",
        "그 문장 좀 보여줘",
        "해당 부분 인용 부탁드려요",
        "wait, 7%?? source please",
    ],
)
def test_more_ways_to_ask_for_the_source(text: str) -> None:
    assert asks_for_the_source(text)


def test_more_greetings_questions_and_source_requests() -> None:
    assert small_talk_cue("좋은 저녁이에요!") == "greet"
    assert len(questions_in("what acids after a peel? and honestly does peeling even do anything")[0]) == 2
    assert asks_for_the_source("src? 원래 영어로는 뭐라고 돼있었어?")


def test_three_questions_in_a_row_are_no_story() -> None:
    text = "how often do I use an exfoliating pack? which vitamin c % is good? and is retinol ok too?"
    questions, is_post = questions_in(text)
    assert len(questions) == 3 and not is_post


@pytest.mark.parametrize(
    "text, asked",
    [
        ("can I use a collagen mask after a laser, and exactly how long should I wait?", 2),
        ("코 옆 모공이 길어졌어요. 나이 들어서 그런건가", 1),
        ("볼 모공이 늘어졌어요. 원인이 뭐예요", 1),
        ("세수 어떻게 하는 게 맞는지 알려주셈", 1),
    ],
)
def test_more_ways_of_asking(text: str, asked: int) -> None:
    assert len(questions_in(text)[0]) == asked


def test_telling_with_a_question_mark_or_telling_someone_elses_question_is_no_question() -> None:
    questions = questions_in("지성이라 괜찮을 줄 알았거든요? 친구가 모공 왜 커졌냐고 하네요. 건조해서 그런가요?")[0]
    assert questions == ("건조해서 그런가요?",)


def test_a_text_to_translate_switches_no_language() -> None:
    turn = Turn("이 메일 영어로 번역 좀 해줘: 다음 주 회의는 취소됐습니다", "nlu_fallback")
    assert conversation_language(turn) == ("ko", False)
    assert conversation_language(Turn("영어로 번역해줘", "nlu_fallback")) == ("en", True)


@pytest.mark.parametrize(
    "text, language",
    [("could you put that in english for my mum?", "en"), ("can u repeat it in korean pls", "ko")],
)
def test_asking_to_have_the_answer_said_in_a_language_switches(text: str, language: str) -> None:
    assert conversation_language(Turn(text, "nlu_fallback", language_slot="ko")) == (language, True)


@pytest.mark.parametrize(
    "text, questions",
    [
        (
            "two things: how do pores get clogged, what cleanser is best, and how often should i use a pack",
            ("two things: how do pores get clogged", "what cleanser is best", "how often should i use a pack"),
        ),
        ("for dry skin, which cleanser should i pick?", ("for dry skin, which cleanser should i pick?",)),
        ("when i exfoliate, how long should i wait before a mask?", None),
    ],
)
def test_a_comma_list_of_questions_is_split_where_each_asks_by_itself(text: str, questions) -> None:
    assert questions_in(text)[0] == (questions or (text,))


def test_a_hesitant_word_with_a_question_mark_is_no_question() -> None:
    text = "i was shaving and saw my nose pores are kinda... huge? they look like craters. what causes that?"
    assert questions_in(text)[0] == ("what causes that?",)


@pytest.mark.parametrize(
    "text, asked",
    [
        ("is vitamin c any good? i started taking it last week does that help at all", 2),
        ("생활 습관이 모공에 영향 있나요? 특히 야근하는 거요", 2),
    ],
)
def test_a_question_without_its_mark_or_as_an_especially_is_a_question(text: str, asked: int) -> None:
    assert len(questions_in(text)[0]) == asked


def test_a_belief_denied_with_question_marks_is_told() -> None:
    text = "my pores got huge after moving. im 24 so i dont think its age?? does the weather matter for pores?"
    assert questions_in(text)[0] == ("does the weather matter for pores?",)


def test_a_korean_question_joined_by_hago_and_a_comma_is_two() -> None:
    questions = questions_in("각질팩 처음이에요. 어떤 걸 주의해야 하고, 며칠에 한 번 하면 돼요?")[0]
    assert len(questions) == 2 and questions[0].endswith("주의해야 하고")


@pytest.mark.parametrize("text", ["이거랑 같이 하면 좋은 거 있어요?", "what pairs well with it?"])
def test_asking_what_goes_with_it_asks_what_the_sources_pair_it_with(text: str) -> None:
    assert [cue.reply for cue in asked_details(text)] == ["detail_pairing"]


def test_asking_for_other_ingredients_to_use_with_it_is_no_pairing() -> None:
    assert asked_details("비타민씨 말고 같이 쓰면 좋은 성분 있어요?") == []


@pytest.mark.parametrize(
    "text", ["which spots should i focus on", "where should i concentrate", "어디 모공을 보면 돼요?"]
)
def test_more_ways_to_ask_where(text: str) -> None:
    assert "detail_location" in [cue.reply for cue in asked_details(text)]


def test_more_ways_to_ask_for_english_the_source_and_the_bot() -> None:
    assert conversation_language(Turn("영어로 요약해줄래?", "nlu_fallback", language_slot="ko")) == ("en", True)
    assert asks_for_the_source("proof? sounds fake")
    assert questions_in("two qs: what causes big pores, what should i use on them")[0] == (
        "two qs: what causes big pores",
        "what should i use on them",
    )
    assert cued_kind("best anti aging products for pores?") == "overview"


@pytest.mark.parametrize(
    "text, questions",
    [
        (
            "레티놀은 몇 % 짜리 써야되고, 세라마이드랑 같이 발라도 돼요?",
            ("레티놀은 몇 % 짜리 써야되고", "세라마이드랑 같이 발라도 돼요?"),
        ),
        ("보습팩은 주 몇 번 하면 되고 아침에 해도 돼?", ("보습팩은 주 몇 번 하면 되고", "아침에 해도 돼?")),
        ("세안하면 되고 그 다음에는 뭐 해요?", ("세안하면 되고 그 다음에는 뭐 해요?",)),
    ],
)
def test_a_korean_clause_that_asks_how_much_then_goes_on_is_two_questions(text: str, questions: tuple) -> None:
    assert questions_in(text)[0] == questions


@pytest.mark.parametrize("text", ["source 좀 보여줘 verbatim으로", "원문 source를 보여줘"])
def test_an_english_source_word_with_a_korean_particle_asks_for_the_source(text: str) -> None:
    assert asks_for_the_source(text)


def test_a_line_break_ends_a_sentence() -> None:
    text = "i wash twice a day\nhow often should i exfoliate"
    assert [text[start:end] for start, end in sentence_spans(text)] == [
        "i wash twice a day",
        "how often should i exfoliate",
    ]


@pytest.mark.parametrize("text", ["세수는 어케 해야됨", "햇빛이랑 모공이랑 관계 있는지 궁금"])
def test_korean_questions_without_a_question_mark(text: str) -> None:
    assert questions_in(f"고1임. 피부가 요즘 이상함.\n{text}")[0] == (text,)


@pytest.mark.parametrize("text", ["where's that written? my mum wants proof", "can you quote where that comes from?"])
def test_where_it_is_written_or_comes_from_asks_for_the_source(text: str) -> None:
    assert asks_for_the_source(text)


@pytest.mark.parametrize(
    "text, kind",
    [
        ("레이저는 피부과에서만 할 수 있는 거죠?", "overview"),
        ("how long am I stuck with this redness after a peel?", "overview"),
        ("아침 저녁 구분해서 써야 돼요?", "what_is"),
        ("is there a cleanser that makes my skin less oily?", "cause"),
    ],
)
def test_words_of_broad_questions_in_narrow_ones_do_not_make_them_broad(text: str, kind: str) -> None:
    assert kind not in cued_kinds(text)[:1]


# ---- round 50: cases of the fixes made for it (own wordings)


@pytest.mark.parametrize(
    "text",
    [
        "그 얘기 어디에 그렇게 나와 있어요?",
        "소스 있어요? 어디 나오는지 알려줘",
        "links please? that figure seems made up",
    ],
)
def test_more_ways_to_ask_where_it_says_so(text: str) -> None:
    assert asks_for_the_source(text)


@pytest.mark.parametrize(
    "text, kind",
    [
        ("모공 크기는 뭐에 따라 달라져요?", "cause"),
        ("what does pore size depend on?", "cause"),
        ("does retinol do anything for pores?", "what_is"),
        ("explain what a collagen mask does for pores", "what_is"),
        ("skincare 101 please, where do i start", "overview"),
    ],
)
def test_ways_to_ask_what_it_depends_on_what_it_does_and_the_basics(text: str, kind: str) -> None:
    assert cued_kinds(text)[0] == kind


def test_what_i_do_for_my_pores_is_no_question_of_what_a_thing_does() -> None:
    assert cued_kinds("what do i do for my pores")[0] != "what_is"


def test_korean_water_asks_the_temperature() -> None:
    assert [detail.reply for detail in asked_details("세수는 어떤 물로 해요?")] == ["detail_temperature"]


def test_and_does_nothing_joins_no_second_question() -> None:
    questions, _ = questions_in("why are my pores so big?? my brother has tiny ones and does nothing")
    assert len(questions) == 1


def test_a_short_pronoun_question_in_a_post_carries_the_sentence_before() -> None:
    text = (
        "I have had big pores on my nose since I was a teenager and I am thirty now. "
        "A friend keeps telling me about jade rollers for tightening them. Does it work? "
        "Also how often should I exfoliate my nose?"
    )
    questions, is_post = questions_in(text)
    assert is_post and questions[0].startswith("A friend keeps telling me about jade rollers")


def test_korean_whether_clauses_that_want_to_know_or_join_with_rang_are_questions() -> None:
    wants_to_know = (
        "저는 올해 예순이 된 사람입니다. 아들이 보습팩을 한 상자 사 왔는데 설명서가 안 보입니다. "
        "이걸 몇 번 붙이는 것이 적당한지 알고 싶습니다."
    )
    assert questions_in(wants_to_know)[0] == ("이걸 몇 번 붙이는 것이 적당한지 알고 싶습니다.",)
    joined = "레티놀이 모공에 어떻게 좋은 건지랑, 언제 바르면 좋은지 알려주세요"
    assert len(questions_in(joined)[0]) == 2


# ---- round 53: cases of the fixes made for it (own wordings)


@pytest.mark.parametrize(
    "text, intent",
    [
        ("네 알겠어요 고맙습니다 즐거운 하루 보내세요 ^^", "thank"),
        ("ok got it thanks so much :) :)", "thank"),
        ("ok got it thanks so much, that was really helpful for me", None),
    ],
)
def test_an_emoticon_is_no_word_of_a_short_message(text: str, intent: Optional[str]) -> None:
    assert small_talk_cue(text) == intent


@pytest.mark.parametrize(
    "text, asks",
    [
        ("ok but where exactly did it say that?", True),
        ("소스??", True),
        ("파스타 소스 추천해줘", False),
        # rounds 70-73
        ("is there a source for that?", True),
        ("do you have a citation for the 7% number?", True),
        ("is there a reference on how long to leave a mask on?", False),
        ("link? nobody at work believes me", True),
    ],
)
def test_source_requests_of_rounds_fifty_three_and_seventy(text: str, asks: bool) -> None:
    assert asks_for_the_source(text) is asks


def test_how_much_is_enough_in_korean_asks_how_often() -> None:
    assert cued_kind("레티놀은 얼마나 쓰면 딱 좋은지 궁금해요") == "frequency"


# ---- round 54: cases of the fixes made for it (own wordings)


def test_a_korean_question_ending_in_a_connective_is_split() -> None:
    assert questions_in("비타민c는 몇 퍼짜리 쓰면 되고 나이아신아마이드는 괜찮아요?")[0] == (
        "비타민c는 몇 퍼짜리 쓰면 되고",
        "나이아신아마이드는 괜찮아요?",
    )


@pytest.mark.parametrize(
    "text, kind",
    [
        ("건조해서 그런지 모공이 커 보여요", "cause"),
        ("what's the safest way for a beginner to start a bha?", "how_to"),
    ],
)
def test_round_fifty_four_kinds(text: str, kind: str) -> None:
    assert cued_kind(text) == kind


@pytest.mark.parametrize(
    "text, asks",
    [
        ("what's all that based on?", True),
        ("based on what though", True),
        ("what should my routine be based on my skin type?", False),
    ],
)
def test_round_fifty_four_source_requests(text: str, asks: bool) -> None:
    assert asks_for_the_source(text) is asks


# ---- round 55: cases of the fixes made for it (own wordings)


@pytest.mark.parametrize("text", ["아 심심하다", "im kinda bored"])
def test_boredom_asks_what_the_assistant_can_do(text: str) -> None:
    assert small_talk_cue(text) == "ask_capabilities"


@pytest.mark.parametrize(
    "text, kind",
    [
        ("콜라겐 마스크 쓰면 모공 덜 보여요?", "what_is"),
        ("which anti-aging products are worth it for pores?", "overview"),
        ("how should my skin care change in my 40s?", "overview"),
    ],
)
def test_round_fifty_five_kinds(text: str, kind: str) -> None:
    assert cued_kind(text) == kind


def test_every_morning_and_every_night_is_overdoing() -> None:
    assert settings().understand.overdoing.search("i use my toner every morning and every night")


# ---- round 56: cases of the fixes made for it (own wordings)


def test_a_second_thing_named_after_and_then_asked_of_is_a_question_of_its_own() -> None:
    text = "how strong should my vitamin c be, and the ion device thing, how often do i use it"
    assert questions_in(text)[0] == ("how strong should my vitamin c be", "the ion device thing, how often do i use it")


@pytest.mark.parametrize(
    "text, kind",
    [
        ("how many a week is ok for collagen masks", "frequency"),
        ("is the dry air making my pores bigger or is it my age?", "cause"),
    ],
)
def test_round_fifty_six_kinds(text: str, kind: str) -> None:
    assert cued_kinds(text)[0] == kind


# ---- round 57: cases of the fixes made for it (own wordings)


def test_good_work_is_thanks() -> None:
    assert small_talk_cue("오늘도 수고했어요") == "thank"


@pytest.mark.parametrize("text, asks", [("refs?", True), ("ref pls", True), ("my ref number is 123", False)])
def test_ref_asks_for_the_source(text: str, asks: bool) -> None:
    assert asks_for_the_source(text) is asks


def test_anything_that_genuinely_helps_is_broad() -> None:
    assert cued_kind("is there anything that genuinely helps saggy pores?") == "overview"


def test_a_question_offering_two_answers_is_one_question() -> None:
    assert len(questions_in("is it only my nose or is my whole face getting oilier?")[0]) == 1
    # ... but one that asks for more is two, and so is a question joined after it
    assert len(questions_in("is it only genetics or is there something else going on?")[0]) == 2
    assert len(questions_in("is it just my nose or is my face oilier, and how often should i exfoliate?")[0]) == 2
    assert len(questions_in("how often should i exfoliate, and is it just my nose or is my face oilier?")[0]) == 2


def test_a_bare_question_word_with_its_particle_asks_something_new() -> None:
    assert not understand(Turn("ㅇㅋ 부작용은?", "nlu_fallback")).is_follow_up


def test_a_bare_topic_with_its_particle_asks_the_last_question_again() -> None:
    assert understand(Turn("ㅇㅋ 레티놀은?", "nlu_fallback")).is_follow_up


def test_a_number_of_times_someone_was_told_to_try_is_no_frequency_question() -> None:
    assert asked_details("의사가 레이저를 몇번 받아보라고 하던데 효과 있어요?") == []


def test_korean_statements_and_indirect_questions_in_a_post() -> None:
    text = (
        "야간 근무하면 피부가 바로 티나요. 요즘 콜라겐 마스크를 매일 붙이고 자는데 "
        "이렇게 매일 써도 되는건지 모르겠어요. 그리고 생활이 불규칙한 것도 모공에 영향 있나요?"
    )
    questions = questions_in(text)[0]
    # "…티나요" (it shows) tells; "…써도 되는건지 모르겠어요" asks
    assert len(questions) == 2 and "티나요" not in questions[0]
    # ... and so do "…발라도 괜찮은지 모르겠어요" and "…써도 되는지 모르겠어요", not a doubt
    for asking in ("매일 발라도 괜찮은지 모르겠어요.", "매일 써도 되는지 모르겠어요."):
        assert len(questions_in(f"피부가 건조해요. 요즘 콜라겐 마스크를 {asking} 모공에 좋아요?")[0]) == 2
    assert len(questions_in("피부가 건조해요. 효과가 그 정도 되는건지 모르겠어요. 모공에 좋아요?")[0]) == 1


@pytest.mark.parametrize(
    "text, intent",
    [
        ("what should i call you lol", "bot_challenge"),
        ("혹시 너는 이름이 뭐야? 그냥 봇이라고 부르면 돼?", "bot_challenge"),
        ("long time no see!!", "greet"),
        ("와 진짜 오랜만이에요 ㅎㅎ", "greet"),
        ("메리 크리스마스~", "greet"),
    ],
)
def test_asking_its_name_or_greeting_after_a_while_is_small_talk(text: str, intent: str) -> None:
    assert small_talk_cue(text) == intent


def test_a_long_message_with_a_word_for_a_bot_in_it_is_no_small_talk() -> None:
    text = "our team lead at work is kind of a weird person and my coworker keeps asking if he is a robot"
    assert small_talk_cue(text) is None


@pytest.mark.parametrize(
    "text, kind",
    [
        ("my cheek pores used to be round and now they look stretched, what the heck is going on", "cause"),
        ("왜 턱 모공만 매일 막히는 거예요?", "cause"),
        ("why do my pores look clogged every day even though i wash twice", "cause"),
        ("턱 모공 막히는 게 왜 그런지 궁금한데 각질제거는 일주일에 몇 번 해요?", "frequency"),
        ("ok so what can i buy for it", "recommendation"),
    ],
)
def test_why_beside_a_habit_and_what_to_buy(text: str, kind: str) -> None:
    assert cued_kind(text) == kind


@pytest.mark.parametrize(
    "text",
    ["source on the 30 second rub claim? seems random", "citation for that percentage thing pls"],
)
def test_a_source_for_a_claim_named_in_passing(text: str) -> None:
    assert asks_for_the_source(text)


def test_the_simplest_skin_care_is_what_to_do() -> None:
    assert (
        cued_kind("my nephew has clogged pores all over his nose, what's the easiest skincare he'd actually stick to")
        == "overview"
    )


@pytest.mark.parametrize(
    "text",
    [
        "do you have a name for the little bumps on my nose?",
        "코에 있는 까만 점들 이거 뭐라고 불러요?",
        "오랜만에 하면 어떻게 돼요?",
    ],
)
def test_a_name_for_a_thing_or_doing_it_after_a_while_is_no_small_talk(text: str) -> None:
    assert small_talk_cue(text) is None


def test_thanks_beside_asking_its_name_is_asking_what_it_is() -> None:
    assert small_talk_cue("thanks! btw do you have a name? what should i call you") == "bot_challenge"
