"""Property certificate and vehicle plate recognizers."""

import pytest

from redaction import Redactor

CERT = "［权属证书编号已隐去］"
PLATE = "［车牌号码已隐去］"


def red(text, **kw):
    return Redactor(**kw).redact(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("房屋登记在新(2021)阜康市不动产权第0001234号名下", f"房屋登记在{CERT}名下"),
        ("新（2021）阜康市不动产权第0001234号", CERT),
        ("不动产权第0001234号", CERT),
        ("新(2020)阜康市不动产证明第0000567号", CERT),
        ("房权证阜字第123456号", CERT),
        ("阜国用（2019）第00123号", f"阜{CERT}"),
        ("房产证号：2019001234，", f"房产证号：{CERT}，"),
        ("机动车登记证书编号：650012345678", f"机动车登记证书编号：{CERT}"),
        ("车辆识别代号LSVAM4187C2184847。", f"车辆识别代号{CERT}。"),
        ("车架号：lsvam4187c2184847", f"车架号：{CERT}"),
        ("发动机号：K4M123456", f"发动机号：{CERT}"),
    ],
)
def test_property_certificates(text, expected):
    res = red(text)
    assert res.text == expected
    assert {f.kind for f in res.findings} == {"property_cert"}


@pytest.mark.parametrize(
    "text",
    [
        "动产或者不动产权属证书编号、财产状况等",
        "不动产权证书",
        "办理房产证",
        "车辆识别代号应当清晰",
        "车架号：ABCDEFGHJKLMNPRST",  # no digit: not a VIN
    ],
)
def test_certificate_negatives(text):
    assert red(text).text == text


@pytest.mark.parametrize(
    "plate",
    ["新A·D12345", "新A12345", "京AD12345", "新A D12345", "粤B1234学", "新a12345", "新Ａ１２３４５"],
)
def test_plates(plate):
    res = red(f"驾驶{plate}号车辆")
    assert res.text == f"驾驶{PLATE}号车辆"
    assert res.findings[0].rule == "plate"


@pytest.mark.parametrize(
    "text",
    [
        "新疆维吾尔自治区",
        "(新) LS〔2024〕 00133",
        "京ABCDE",  # no digit
        "新A1234",  # too short
        "新A1234567",  # too long
        "XX新A12345",  # glued to other letters
        "统一社会信用代码91652302MA77Q1XJ3B",
    ],
)
def test_plate_negatives(text):
    assert red(text).text == text
