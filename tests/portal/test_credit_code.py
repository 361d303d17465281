import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from portal.credit_code import ALPHABET, check_character, problem, validate_credit_code
from tests.factories.portal import EnterpriseFactory, valid_credit_code

# Codes printed on the business licences of well-known companies (public registry data).
KNOWN_GOOD = ["91440300708461136T", "914403001922038216", "91330100799655058B", "91110108551385082Q"]


@pytest.mark.parametrize("code", KNOWN_GOOD)
def test_published_codes_are_valid(code):
    assert problem(code) is None


# The messages are checked in Chinese, the language the portal speaks by default.
@pytest.mark.parametrize("code, fragment", [
    ("91440300708461136", "17"),               # too short: says how many characters it has
    ("91440300708461136TX", "19"),             # too long
    ("91440300708461136I", "不允许"),           # I is never used
    ("9144030070846113OT", "不允许"),           # O is never used
    ("914403007084611360", "应为T"),            # the check character, and what it should be
])
def test_invalid_codes_say_why(code, fragment):
    with pytest.raises(ValidationError) as err:
        validate_credit_code(code)
    assert fragment in " ".join(err.value.messages)


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17))
def test_every_body_has_exactly_one_valid_check_character(body):
    valid = [c for c in ALPHABET if problem(body + c) is None]
    assert valid == [check_character(body)]


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17), st.integers(0, 16), st.sampled_from(ALPHABET))
def test_a_single_changed_character_is_caught(body, position, replacement):
    code = body + check_character(body)
    changed = code[:position] + replacement + code[position + 1:]
    if changed != code:
        assert problem(changed) is not None


@pytest.mark.django_db
def test_enterprise_form_validation_reports_the_credit_code_error():
    enterprise = EnterpriseFactory.build(credit_code="914403007084611360")
    with pytest.raises(ValidationError) as err:
        enterprise.full_clean()
    assert "credit_code" in err.value.message_dict


@pytest.mark.django_db
def test_lowercase_input_is_normalised_on_save():
    code = valid_credit_code(424242)
    enterprise = EnterpriseFactory(credit_code=code.lower())
    enterprise.refresh_from_db()
    assert enterprise.credit_code == code
