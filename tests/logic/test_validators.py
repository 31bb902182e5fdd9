"""The validators of logic/validators.py, called directly: pure unit tests, no database and no app.

What a form or the API makes of them (a 409 naming the field) is tested through the schemas in test_schema.py.
"""

from __future__ import annotations

import pytest
from ckan.plugins import toolkit as tk

from ckanext.tangerang.logic import validators


def email(value):
    return validators.tangerang_email(value, {})


def not_an_email(value) -> str:
    return f"Alamat surel tidak sah: {value!r} / Not a valid e-mail address: {value!r}"


@pytest.mark.parametrize(
    "validator",
    [
        validators.tangerang_kode_daftar_data,
        validators.tangerang_kode_standar_data,
        validators.tangerang_http_url,
        email,
    ],
)
@pytest.mark.parametrize("value", [["x"], {"a": 1}, 5])
def test_our_value_validators_answer_a_field_error_for_any_type(validator, value):
    with pytest.raises(tk.Invalid, match=" / "):
        validator(value)


@pytest.mark.parametrize("value", [["tertutup"], {"a": 1}, 5])
def test_the_access_class_does_not_crash_on_other_types(value):
    data = {("klasifikasi",): value}
    validators.tangerang_klasifikasi_sets_private(("klasifikasi",), data, {}, {})
    assert ("private",) not in data


@pytest.mark.parametrize("value", [["tahunan"], {"a": 1}, 5])
def test_the_next_update_does_not_crash_on_other_frequency_types(value):
    data = {("frekuensi",): value, ("pemutakhiran_berikutnya",): None}
    validators.tangerang_next_update(("pemutakhiran_berikutnya",), data, {}, {})
    assert data[("pemutakhiran_berikutnya",)] is None


class TestEmail:
    @pytest.mark.parametrize(
        "value",
        [
            "data@dinkes.tangerangkota.go.id",
            "o'brien+laporan@example.co.id",
            # CKAN's pattern (the HTML standard's) takes a host without a dot; the hand-written one refused it.
            "walidata@intranet",
        ],
    )
    def test_what_ckan_accepts_is_kept_as_it_is(self, value):
        assert email(value) == value

    @pytest.mark.parametrize(
        "value",
        [
            "bukan-surel",
            "bukan surel@example.id",
            # CKAN's pattern refuses dots at either end or doubled; the hand-written one let these through.
            ".data@example.id",
            "data..dinkes@example.id",
            "data@example.id.",
            "data@-example.id",
        ],
    )
    def test_what_ckan_refuses_is_refused_in_both_languages(self, value):
        with pytest.raises(tk.Invalid) as raised:
            email(value)
        assert raised.value.error == not_an_email(value)

    @pytest.mark.parametrize("value", [5, ["data@example.id"], {"email": "data@example.id"}])
    def test_a_value_that_is_not_text_gets_the_same_message(self, value):
        with pytest.raises(tk.Invalid) as raised:
            email(value)
        assert raised.value.error == not_an_email(value)

    @pytest.mark.parametrize("value", ["", None, tk.missing])
    def test_an_empty_value_is_left_to_the_required_check(self, value):
        assert email(value) is value


DATA_LIST_MESSAGE = (
    "Kode daftar data tidak sesuai format 3671.X.XX.XXXX: {value!r} / "
    "Data list code does not match 3671.X.XX.XXXX: {value!r}"
)
STANDARD_MESSAGE = (
    "Kode standar data tidak sesuai format SD.X.XX.XXXX: {value!r} / "
    "Data standard code does not match SD.X.XX.XXXX: {value!r}"
)


class TestCodes:
    @pytest.mark.parametrize(
        ("validator", "value"),
        [
            (validators.tangerang_kode_daftar_data, "3671.1.02.0001"),
            (validators.tangerang_kode_standar_data, "SD.1.02.0001"),
            (validators.tangerang_kode_daftar_data, ""),
            (validators.tangerang_kode_standar_data, None),
        ],
    )
    def test_a_code_of_its_shape_or_nothing_passes(self, validator, value):
        assert validator(value) == value

    @pytest.mark.parametrize(
        ("validator", "value", "expected"),
        [
            *(
                (validators.tangerang_kode_daftar_data, value, DATA_LIST_MESSAGE)
                for value in [
                    "3671.1.2.0001",
                    "3671.1.02.00001",
                    "3603.1.02.0001",  # another area's code (Kabupaten Tangerang)
                    "SD.1.02.0001",
                    "3671.1.02.0001\n",
                    "3671.1.02.000\u0661",  # an Arabic-Indic digit one
                ]
            ),
            *(
                (validators.tangerang_kode_standar_data, value, STANDARD_MESSAGE)
                for value in ["SD.1.2.0001", "SD-1.02.0001", "sd.1.02.0001", "3671.1.02.0001"]
            ),
        ],
    )
    def test_a_code_off_its_shape_is_refused_quoting_the_shape(self, validator, value, expected):
        with pytest.raises(tk.Invalid) as raised:
            validator(value)
        assert raised.value.error == expected.format(value=value)
