"""The two stories of the source articles, recorded as the stations would have recorded them.

Trì Quang (Bảo Thắng district, Lào Cai; merged whole into Xuân Quang on 1 July 2025): its
"security keychain" hotline took 127 calls, 90 of them questions about administrative
procedures; the commune police received, verified and filed 10 reports of illegal drug use,
sending 2 persons to education in the commune and 10 to compulsory rehabilitation at Lào Cai's
Drug Rehabilitation Centre No. 1. Every call is recorded under the former commune (as the
keychains printed before 2025 say) and resolves to Xuân Quang. The drug reports were filed with
the district police, who still existed then (until 1 March 2025).

Hải Sơn (Quảng Ninh): in the first eight months of 2025 the commune police arrested one person
transporting 248 laughing-gas cylinders, working with the Pò Hèn border guard station.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from safecommune.demo.reports import texts
from safecommune.demo.reports.stream import MINUTE, CommuneStream, Life

TRI_QUANG = "02935"  # the former commune (pre-2025 structure)
KEYCHAIN_FROM = datetime(2021, 8, 1)
KEYCHAIN_UNTIL = datetime(2025, 6, 30, 22, 0)  # the last evening of the former commune
DRUG_REPORTS_UNTIL = datetime(2022, 6, 30)  # "since 2022 no drug incidents" (the article)
KEYCHAIN_CALLS = {"admin_question": 90, "tip": 10, "incident_report": 9, "complaint": 8,
                  "other": 10}  # 127
KEYCHAIN_REPORTS = ["land_dispute"] * 4 + ["water_dispute"] * 2 + ["traffic_accident"] * 2 \
    + ["fire"]
DRUG_TIPS = ["Báo có người sử dụng trái phép chất ma túy tại {village}",
             "Báo có nhóm thanh niên tụ tập nghi sử dụng ma túy ở {village}",
             "Người nhà báo có người thân nghiện ma túy ở {village}"]
REHABILITATION_CENTRE = "Cơ sở cai nghiện ma túy số 1 Lào Cai"
DISTRICT_POLICE = "Công an huyện Bảo Thắng"
# Of the 10 drug reports, these (by order) also sent a second person to education.
WITH_EDUCATION = (2, 7)


def _aware(value: datetime) -> datetime:
    return timezone.make_aware(value)


def tri_quang_keychain(stream: CommuneStream, former) -> int:
    """The 127 calls under the former commune of Trì Quang; the number written."""
    rng = stream.rng
    villages = [v for v in stream.villages if v.former_unit_id == former.pk] or stream.villages
    start, end = _aware(KEYCHAIN_FROM), _aware(KEYCHAIN_UNTIL)
    kinds = [kind for kind, count in KEYCHAIN_CALLS.items() for _ in range(count)]
    rng.shuffle(kinds)
    reports = iter(KEYCHAIN_REPORTS)
    drug_tips = sorted(stream.between(start, _aware(DRUG_REPORTS_UNTIL)) for _ in range(10))
    drug_index = 0
    for kind in kinds:
        village = stream.village(0.9, villages)
        if kind == "tip":
            at = drug_tips[drug_index]
            _drug_report(stream, former, at, village or rng.choice(villages), drug_index)
            drug_index += 1
            continue
        at = stream.between(start, end)
        if kind == "admin_question":
            summary, answer = rng.choice(texts.ADMIN_QUESTIONS)
            stream.call(unit=former, kind=kind, at=at, summary=summary, answer=answer,
                        village=village)
        elif kind == "complaint":
            stream.call(unit=former, kind=kind, at=at, summary=rng.choice(texts.COMPLAINTS),
                        answer=rng.choice(texts.COMPLAINT_ANSWERS), village=village)
        elif kind == "other":
            summary, answer = rng.choice(texts.OTHER_CALLS)
            stream.call(unit=former, kind=kind, at=at, summary=summary, answer=answer)
        else:
            category = stream.categories[next(reports)]
            call = stream.call(unit=former, kind=kind, at=at, summary=stream.summary(category),
                               answer=texts.REPORT_ANSWER, village=village)
            stream.call_to_incident(call, category=category,
                                    point=stream.point(village, 0.7),
                                    life=Life(forwarded_to=DISTRICT_POLICE))
    return sum(KEYCHAIN_CALLS.values())


def _drug_report(stream: CommuneStream, former, at: datetime, village, index: int) -> None:
    rng = stream.rng
    call = stream.call(unit=former, kind="tip", at=at, village=village, anonymous=True,
                       summary=rng.choice(DRUG_TIPS).format(village=village.name),
                       answer=texts.TIP_ANSWER)
    outcomes = [
        {"kind": "person", "involvement": "offender", **stream.person()},
        {"kind": "rehabilitation", "measure": "compulsory_rehabilitation", "count": 1,
         "note": f"Đưa vào {REHABILITATION_CENTRE}"},
    ]
    if index in WITH_EDUCATION:
        outcomes += [{"kind": "person", "involvement": "offender", **stream.person()},
                     {"kind": "education", "measure": "commune_education", "count": 1,
                      "note": "Giáo dục tại xã"}]
    life = Life(forward=True, forwarded_to=DISTRICT_POLICE, outcomes=outcomes,
                outcomes_after_forward=True,
                notes=["Đã xác minh, lập hồ sơ ban đầu.",
                       "Đã làm việc với gia đình và trưởng thôn."])
    stream.call_to_incident(call, category=stream.categories["drug_use"], life=life,
                            point=stream.point(village, 0.6))


SEIZURE_AT = datetime(2025, 8, 12, 21, 40)
SEIZURE_VILLAGE = "Thôn Pò Hèn"
BORDER_GUARD = "Đồn Biên phòng Pò Hèn"
CYLINDERS = 248


def hai_son_seizure(stream: CommuneStream, unit):
    """The arrest of one person transporting 248 laughing-gas cylinders (August 2025)."""
    village = next((v for v in stream.villages if v.name == SEIZURE_VILLAGE), None)
    received = _aware(SEIZURE_AT)
    outcomes = [
        {"kind": "arrest", "count": 1, "note": "Bắt quả tang khi đang vận chuyển"},
        {"kind": "person", "involvement": "suspect", **stream.person()},
        {"kind": "seizure", "item_kind": "bình khí cười (N₂O)", "quantity": Decimal(CYLINDERS),
         "quantity_unit": "bình", "note": "Không có hóa đơn, chứng từ"},
    ]
    life = Life(forward=True, forwarded_to=BORDER_GUARD, outcomes=outcomes,
                notes=["Lập biên bản tạm giữ phương tiện và tang vật.",
                       "Phối hợp Đồn Biên phòng Pò Hèn lấy lời khai."])
    return stream.incident(
        unit=unit, category=stream.categories["smuggling"],
        summary=f"Bắt quả tang 1 đối tượng vận chuyển {CYLINDERS} bình khí cười (N₂O)",
        description=("Tổ tuần tra Công an xã phối hợp Đồn Biên phòng Pò Hèn phát hiện 01 đối "
                     f"tượng chở {CYLINDERS} bình khí cười không có hóa đơn, chứng từ."),
        channel="other", received=received, recorded=received + 25 * MINUTE,
        occurred=received - 10 * MINUTE, village=village,
        point=stream.point(village, 1.0), place=f"Đường tuần tra biên giới, {SEIZURE_VILLAGE}",
        life=life)
