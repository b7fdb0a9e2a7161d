from hypothesis import example, given
from hypothesis import strategies as st

from catalog.text import fold, matches

# Every letter of the Vietnamese alphabet in both cases, with every tone mark.
VIETNAMESE_LETTERS = (
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
)
VIETNAMESE_TEXT = st.text(alphabet=VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper() + " \t\n\u00a0")


def test_fold_removes_tones_and_vowel_marks() -> None:
    assert fold("Dân số trung bình") == "dan so trung binh"
    assert fold("Tổng sản phẩm trong nước") == "tong san pham trong nuoc"
    assert fold("Người ở độ tuổi lao động") == "nguoi o do tuoi lao dong"


def test_fold_maps_stroked_d_in_both_cases() -> None:
    assert fold("Đồng đô la") == "dong do la"
    assert fold("ĐỒNG") == "dong"


def test_fold_collapses_and_strips_whitespace() -> None:
    assert fold("  Dân \t số\n\u00a0trung   bình ") == "dan so trung binh"
    assert fold("   ") == ""


def test_fold_treats_composed_and_decomposed_input_alike() -> None:
    composed = "Việt Nam"
    decomposed = "Vie\u0323\u0302t Nam"
    assert fold(composed) == fold(decomposed) == "viet nam"


def test_matches_ignores_diacritics_case_and_word_gaps() -> None:
    for text in ("Dân số", "DÂN SỐ", "dân số trung bình", "Dân   số"):
        assert matches("dan so", text)


def test_matches_needs_every_query_word() -> None:
    assert matches("so dan", "Dân số")  # word order does not matter
    assert matches("binh dan", "Dân số trung bình")
    assert not matches("dan so nam", "Dân số trung bình")


def test_matches_finds_word_prefixes() -> None:
    assert matches("dan s", "Dân số")


def test_matches_does_not_confuse_d_and_other_letters() -> None:
    assert not matches("lao dong", "Lao động nữ".replace("đ", "t"))


def test_empty_query_matches_everything() -> None:
    assert matches("", "Dân số")
    assert matches("   ", "")


@given(st.text())
@example("ΐ ㎒ ǅ ﬁ")  # letters whose casefold or NFKD needs a second pass
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(VIETNAMESE_TEXT)
def test_fold_of_vietnamese_is_ascii_lower_case(text: str) -> None:
    folded = fold(text)
    assert folded.isascii()
    assert folded == folded.lower()
    assert "  " not in folded
    assert folded == folded.strip()


@given(VIETNAMESE_TEXT)
def test_text_matches_itself_in_any_case(text: str) -> None:
    assert matches(text, text)
    assert matches(text.upper(), text.lower())
