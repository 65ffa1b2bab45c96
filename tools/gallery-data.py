#!/usr/bin/env python3
"""Writes layouts/gallery-data/*.json: illustrative (not official) data for
the chart gallery and the chart tests.  Deterministic (fixed seed); run from
the repository root after changing it, and commit the output."""
import json
import math
import random
import re

rnd = random.Random(2026)
OUT = "layouts/gallery-data/"
UPDATED = "2026-11-22T08:00:00+07:00"


def write(name, obj, compact=False):
    with open(OUT + name, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False,
                  **({"separators": (",", ":")} if compact else {"indent": 1}))
        f.write("\n")


def months(y, m, n):
    out = []
    for _ in range(n):
        out.append(f"{y}-{m:02d}")
        m += 1
        if m > 12:
            m, y = 1, y + 1
    return out


# Monthly CPI (% y/y), 24 months, one month missing.
cpi = []
for i, p in enumerate(months(2024, 11, 24)):
    v = round(3.4 + 0.6 * math.sin(i / 3.5) + rnd.uniform(-0.15, 0.15), 2)
    cpi.append({"period": p, "value": None if p == "2025-06" else v})
# Quarterly GDP growth (%), 2023-Q1 .. 2026-Q3.
gdp = []
for i in range(15):
    y, q = 2023 + i // 4, i % 4 + 1
    gdp.append({"period": f"{y}-Q{q}",
                "value": round(5.2 + i * 0.17 + rnd.uniform(-0.4, 0.4), 2)})
# Budget revenue by region, cumulative, tỷ đồng, Jan..Oct 2026.
regions = {}
for name, base in (("bac", 52000), ("trung", 21000), ("nam", 61000)):
    acc, pts = 0, []
    for p in months(2026, 1, 10):
        acc += base * rnd.uniform(0.85, 1.15)
        pts.append({"period": p, "value": round(acc)})
    regions[name] = pts
# Online dossiers per day, 90 days to 22/11/2026, 3 days missing.
days = []
t0 = 0
import datetime as dt
d0 = dt.date(2026, 8, 25)
for i in range(90):
    d = d0 + dt.timedelta(days=i)
    weekday = d.weekday()
    v = 48000 + 6000 * math.sin(i / 9) + rnd.uniform(-2500, 2500)
    if weekday >= 5:
        v *= 0.45
    missing = dt.date(2026, 10, 14) <= d <= dt.date(2026, 10, 16)
    days.append({"date": d.isoformat(), "value": None if missing else round(v)})
# Edge cases.
edge = {
    "one": [{"period": "2026-10", "value": 4.2}],
    "equal": [{"period": p, "value": 7.0} for p in months(2026, 1, 10)],
    "negative": [{"period": p, "value": round(2.5 * math.sin(i / 1.7) - 0.8, 1)}
                 for i, p in enumerate(months(2025, 11, 12))],
    "all_missing": [{"period": p, "value": None} for p in months(2026, 1, 6)],
    "bars_negative": [{"name": n, "value": v} for n, v in
                      (("Nông nghiệp", 3.2), ("Công nghiệp", 8.1),
                       ("Xây dựng", -1.4), ("Dịch vụ", 6.7),
                       ("Thuế sản phẩm", None))],
}
# Trade by quarter, USD.
trade = {"exports": [], "imports": []}
for i, q in enumerate(("2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3")):
    trade["exports"].append({"period": q,
                             "value": round(rnd.uniform(98e9, 118e9), -8)})
    trade["imports"].append({"period": q,
                             "value": round(rnd.uniform(92e9, 112e9), -8)})
write("chuoi.json", {"updated": UPDATED, "cpi": cpi, "gdp": gdp,
                     "revenue": regions, "dossiers": days, "trade": trade,
                     "edge": edge})

# 10,000 one-minute samples of grid load (MW), one hour missing.
start = dt.datetime(2026, 11, 15, 10, 0)
load = []
for i in range(10000):
    t = start + dt.timedelta(minutes=i)
    hour = t.hour + t.minute / 60
    v = 32000 + 7000 * math.sin((hour - 8) / 24 * 2 * math.pi) + \
        rnd.uniform(-600, 600)
    gap = 4000 <= i < 4060
    load.append([t.strftime("%Y-%m-%dT%H:%M:00+07:00"),
                 None if gap else round(v)])
write("dai.json", {"updated": UPDATED, "load": load}, compact=True)

# Provinces: names and codes from the shipped map's properties.
src = open("src/feedsim/feedsim_provinces.c", encoding="utf-8").read()
provs = re.findall(r'\{"(\d\d)", "([^"]+)"\}', src)
rows = []
for code, name in provs:
    v = round(rnd.uniform(62, 99), 1)
    rows.append({"code": code, "name": name,
                 "value": None if code in ("04", "12", "95") else v})
write("tinh.json", {"updated": UPDATED, "period": "Tháng 10/2026",
                    "provinces": rows})

# Plans: disbursement against the year's plan.
write("ke-hoach.json", {
    "updated": UPDATED,
    "disbursement": {"period": "đến 21/11/2026", "value": 587400,
                     "plan": 1000000, "expected": 893000},
    "revenue": {"period": "10 tháng/2026", "value": 1787.4, "plan": 1966.0,
                "expected": 1638.3},
    "dossiers_on_time": {"period": "Tháng 11/2026", "value": 95.8,
                         "plan": 100, "expected": None},
})

# Tasks by ministry, for the table.
ministries = ["Bộ Tài chính", "Bộ Công Thương", "Bộ Xây dựng",
              "Bộ Nông nghiệp và Môi trường", "Bộ Y tế",
              "Bộ Giáo dục và Đào tạo", "Bộ Khoa học và Công nghệ",
              "Bộ Nội vụ", "Bộ Tư pháp", "Bộ Ngoại giao",
              "Bộ Văn hóa, Thể thao và Du lịch", "Bộ Dân tộc và Tôn giáo",
              "Bộ Quốc phòng", "Bộ Công an", "Ngân hàng Nhà nước Việt Nam",
              "Thanh tra Chính phủ", "Văn phòng Chính phủ"]
tasks = []
for m in ministries:
    assigned = rnd.randint(60, 420)
    overdue = rnd.randint(0, 18)
    done = rnd.randint(int(assigned * 0.6), assigned - overdue)
    tasks.append({"name": m, "assigned": assigned, "done": done,
                  "overdue": overdue,
                  "on_time": round(100 * (done - rnd.randint(0, overdue))
                                   / max(done, 1), 1)})
tasks[4]["on_time"] = None
write("nhiem-vu.json", {"updated": UPDATED, "period": "Năm 2026",
                        "ministries": tasks})

# Dossier channels, for the donut.
write("kenh.json", {"updated": UPDATED, "period": "Tháng 10/2026", "channels": [
    {"name": "Cổng DVC quốc gia", "value": 612400},
    {"name": "Cổng DVC bộ, tỉnh", "value": 418900},
    {"name": "Trực tiếp", "value": 301200},
    {"name": "Bưu chính công ích", "value": 42800},
]})
