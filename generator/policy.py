"""Publication policy: windows, deadlines and what is public.

The defaults follow the seeds; pelicanconf.py sets them (GONGSHI_* names) and a
jurisdiction changes a setting, never code. Policy.from_settings reads a
Pelican-style settings mapping.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any, Mapping


@dataclass(frozen=True)
class Policy:
    # S004 公示管理三: decision info may be taken down after 1 year online.
    decision_window_years: int = 1
    # S004 公示管理三: serious dishonesty (严重失信) penalties stay 3 years.
    serious_window_years: int = 3
    # Per-type override of the window in years, e.g. {"license": 3}.
    window_years_by_type: Mapping[str, int] = field(default_factory=dict)
    # S000 第三十八条: pre-decision notices run 10 working days.
    notice_working_days: int = 10
    # Ended notices stay listed (as 公示期满) this many calendar days.
    notice_listed_days_after_end: int = 365
    # Held hearings stay listed this many calendar days after the hearing.
    hearing_listed_days_after: int = 365
    # Decided applications stay listed this many calendar days after the decision.
    application_listed_days_after: int = 365
    # S000 第二十八条: statutory time limit for a licence decision, working days.
    application_working_days: int = 20
    # S004 公示管理二: repealed laws leave the list after 60 working days.
    law_repeal_grace_working_days: int = 60
    # 安全生产法 第七十八条 / S000 第三十二条 / S003 第十三条: publication due.
    publication_deadline_working_days: Mapping[str, int] = field(
        default_factory=lambda: {"penalty": 7, "license": 7}
    )
    publication_deadline_default_working_days: int = 20
    # S004 事后公示(七): a revoked decision is taken down within 3 working days.
    withdrawal_deadline_working_days: int = 3
    # Holidays and 调休 working days for years the calendar package does not know.
    extra_holidays: tuple[date, ...] = ()
    extra_workdays: tuple[date, ...] = ()
    # SPEC 5.2: legal representatives (法定代表人) are public by default.
    legal_representative_public: bool = True
    # S004 事后公示(六)1: decisions about minors are never published.
    adult_age: int = 18
    # Listing page size.
    page_size: int = 20

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> "Policy":
        kwargs: dict[str, Any] = {}
        for f in fields(cls):
            key = "GONGSHI_" + f.name.upper()
            if key in settings and settings[key] is not None:
                value = settings[key]
                if f.name in ("extra_holidays", "extra_workdays"):
                    value = tuple(
                        v if isinstance(v, date) else date.fromisoformat(str(v)) for v in value
                    )
                kwargs[f.name] = value
        return cls(**kwargs)

    def window_years(self, rtype: str, serious: bool) -> int:
        if rtype in self.window_years_by_type:
            base = self.window_years_by_type[rtype]
        else:
            base = self.decision_window_years
        if serious:
            return max(base, self.serious_window_years)
        return base

    def publication_deadline(self, rtype: str) -> int:
        return self.publication_deadline_working_days.get(
            rtype, self.publication_deadline_default_working_days
        )
