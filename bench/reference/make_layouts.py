#!/usr/bin/env python3
"""Writes full.json, novideo.json and idle.json beside this file: the
reference scene of ../../../shared/bench/REFERENCE-SCENE.md (issue 14) as
opswall layouts, the same scene as the web peer (shared/bench/peer-web).

    python3 bench/reference/make_layouts.py      # then: opswall check ...

The three variants come from one description here so that they cannot drift
apart; edit this file, not the JSON.  Standard library only.
"""

import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
FEED = "http://127.0.0.1:8653"   # the peer's feedserver.py, fixed port

# The peer's indicators (feedserver.py KPI_DEFS): title, unit, decimals.
KPIS = [
    ("Tổng thu ngân sách", "nghìn tỷ đồng", 1),
    ("Hồ sơ dịch vụ công trực tuyến", "hồ sơ", 0),
    ("Tỷ lệ hồ sơ đúng hạn", "%", 1),
    ("Chỉ số giá tiêu dùng (CPI)", "%", 2),
    ("Kim ngạch xuất khẩu", "triệu USD", 1),
    ("Vốn FDI giải ngân", "triệu USD", 1),
    ("Lượt khách quốc tế", "lượt", 0),
    ("Phụ tải hệ thống điện", "MW", 0),
]
KPI_IDS = ["thu-ngan-sach", "ho-so-dvc", "ty-le-dung-han", "cpi",
           "xuat-khau", "fdi", "khach-quoc-te", "phu-tai-dien"]

# The peer's charts (feedserver.py SERIES_DEFS): title, unit, series names.
CHARTS = [
    ("giao-thong", "Lưu lượng giao thông cao tốc", "xe/phút",
     ["Bắc", "Trung", "Nam"]),
    ("dien-nang", "Phụ tải điện theo miền", "MW",
     ["Miền Bắc", "Miền Trung", "Miền Nam"]),
    ("dich-vu-cong", "Giao dịch dịch vụ công", "giao dịch/phút",
     ["Cổng quốc gia", "Bộ, ngành", "Địa phương"]),
    ("moi-truong", "Chỉ số chất lượng không khí", "AQI",
     ["Hà Nội", "Đà Nẵng", "TP. Hồ Chí Minh"]),
]

# media/videos.json of the peer (make_videos.sh): file, code, label.
VIDEOS = [
    ("cam01.mp4", "01", "Hà Nội"), ("cam02.mp4", "79", "TP. Hồ Chí Minh"),
    ("cam03.mp4", "48", "Đà Nẵng"), ("cam04.mp4", "31", "Hải Phòng"),
    ("cam05.mp4", "92", "Cần Thơ"), ("cam06.mp4", "22", "Quảng Ninh"),
    ("cam07.mp4", "46", "Thừa Thiên Huế"), ("cam08.mp4", "56", "Khánh Hòa"),
    ("cam09.mp4", "68", "Lâm Đồng"), ("cam10.mp4", "40", "Nghệ An"),
    ("cam11.mp4", "38", "Thanh Hóa"), ("cam12.mp4", "74", "Bình Dương"),
    ("cam13.mp4", "75", "Đồng Nai"), ("cam14.mp4", "10", "Lào Cai"),
    ("cam15.mp4", "91", "Kiên Giang"), ("cam16.mp4", "66", "Đắk Lắk"),
]

# app.js's ticker items, in its order.
TICKER = [
    "Thủ tướng Chính phủ chủ trì Phiên họp Chính phủ thường kỳ tháng 11/2026",
    "Cổng Dịch vụ công quốc gia tiếp nhận hơn 48.000 hồ sơ trực tuyến trong ngày",
    "Chỉ số giá tiêu dùng tháng 11 tăng 0,31% so với tháng trước",
    "Kim ngạch xuất khẩu 11 tháng ước đạt 380,5 tỷ USD, tăng 12,4% so với cùng kỳ",
    "Trung tâm Dự báo khí tượng thủy văn quốc gia cảnh báo mưa lớn tại các tỉnh Nam Trung Bộ",
    "Hệ thống điện quốc gia vận hành an toàn; phụ tải đỉnh đạt 42.150 MW",
    "Giải ngân vốn đầu tư công đạt 78,6% kế hoạch năm",
    "Tổng thu ngân sách nhà nước 11 tháng đạt 1.520 nghìn tỷ đồng",
]

VARIANTS = ("full", "novideo", "idle")


def widgets(variant):
    """The scene's widgets for one variant, with (comment, widget) pairs."""
    out = []
    add = lambda w, c=None: out.append((c, w))  # noqa: E731

    add({"id": "tieu-de", "type": "text", "cell": CELL["title"],
         "text": "Trung tâm Thông tin, chỉ đạo, điều hành của Chính phủ",
         "size": "value", "weight": "bold", "panel": False},
        "header: the title, then the clock with the date")
    add({"id": "dong-ho", "type": "clock", "cell": CELL["clock"],
         "seconds": variant != "idle", "date": True, "align": "right"})

    for i, (title, unit, dec) in enumerate(KPIS):
        p = "/indicators/%d" % i
        add({"id": KPI_IDS[i], "type": "kpi", "cell": CELL["kpi"](i),
             "title": title,
             "value": {"source": "kpi", "pointer": p + "/value"},
             "previous": {"source": "kpi", "pointer": p + "/prev"},
             "unit": unit, "decimals": dec, "delta_unit": "percent",
             "delta_label": "so với lần trước",
             "sparkline": {"source": "kpi", "pointer": p + "/history"}},
            None if i else
            "8 KPI tiles on /kpi.json: value, delta against prev (absolute\n"
            "and percent), sparkline of the 30 values of history")

    for i, (cid, title, unit, names) in enumerate(CHARTS):
        add({"id": cid, "type": "line", "cell": CELL["line"](i),
             "title": title, "unit": unit, "decimals": 0,
             "x_axis": "category",
             "series": [{"source": "series",
                         "pointer": "/charts/%d/series/%d/points" % (i, j),
                         "label": n} for j, n in enumerate(names)]},
            None if i else
            "4 line charts on /series.json, 3 series x 120 points each (bare\n"
            "numbers: x is the point's index)")

    add({"id": "ban-do", "type": "map", "cell": CELL["map"],
         "title": "Bản đồ chỉ số theo tỉnh, thành phố",
         "map": "vn63", "decimals": 1,
         "values": {"source": "tinh", "pointer": "/provinces"},
         "classes": {"method": "thresholds", "thresholds": [40, 60, 80, 100],
                     "palette": "viridis"},
         "islands": "inset"},
        "5-class choropleth of the 63 provinces on /provinces.json (<40,\n"
        "40-60, 60-80, 80-100, >=100), joined on the GSO code as on the peer")

    if variant == "full":
        add({"id": "camera", "type": "conference", "cell": CELL["video"],
             "title": "Camera giám sát trực tuyến", "columns": 4, "rows": 4,
             "streams": [{"url": "../../out/peer-web/media/" + f,
                          "label": name, "code": code}
                         for f, code, name in VIDEOS]},
            "16 video tiles: the peer's files (640x360, 25 fps, 10 s, looped),\n"
            "each labelled with its province as in media/videos.json")
    else:
        add({"id": "camera", "type": "text", "cell": CELL["video"],
             "title": "Camera giám sát trực tuyến", "text": ""},
            "no video: the camera panel stays, empty, as on the peer")

    add({"id": "xep-hang", "type": "bar", "cell": CELL["rank"],
         "title": "Xếp hạng 20 tỉnh, thành phố dẫn đầu", "decimals": 1,
         "rank": {"order": "desc", "top": 20},
         "series": [{"source": "tinh", "pointer": "/provinces",
                     "x": "/name", "y": "/value"}]},
        "top-20 ranking of the 63 provinces, same feed")

    if variant != "idle":
        add({"id": "tin-moi", "type": "ticker", "cell": CELL["ticker"],
             "label": "TIN MỚI", "speed": 120, "items": TICKER},
            "the ticker at 120 px/s with the peer's items")
    return out


# Grid: 96 x 64 units over 3840 x 2160, margin 24 and gap 16 as the peer's
# page is spaced: a column is 39.7 px with its gap, a row 33.3 px.  No widget
# crosses the edge between two displays (column 48, row 32): header and
# KPIs, then the 4 line charts on the top displays; map, ranking and the
# cameras on the bottom ones, the ticker under them.  The peer puts lines,
# map and the right column side by side over both rows of displays; with
# text this size the ranking (20 rows) and 16 tiles of about 320 x 180 do
# not fit one above the other in a column, and the map would cross the
# bezel.
KPI_COLS = [11, 14, 11, 12, 12, 12, 12, 12]   # the long titles get room
CELL = {
    "title": [0, 0, 48, 5],
    "clock": [48, 0, 48, 5],
    "kpi": lambda i: [sum(KPI_COLS[:i]), 5, KPI_COLS[i], 11],
    "line": lambda i: [i * 24, 16, 24, 16],
    "map": [0, 32, 24, 30],
    "rank": [24, 32, 24, 30],
    "video": [48, 32, 48, 30],
    "ticker": [0, 62, 96, 2],
}


def layout(variant):
    doc = {
        "opswall": 1,
        "title": "Trung tâm Thông tin, chỉ đạo, điều hành của Chính phủ",
        "locale": "vi-VN",
        "timezone": "+07:00",
        "wall": {"columns": 2, "rows": 2, "width": 1920, "height": 1080,
                 "mullion": {"x": 0, "y": 0},
                 "display_mm": {"width": 1209.6, "height": 680.4},
                 "viewing_distance_m": 2.2},
        "grid": {"columns": 96, "rows": 64, "gap": 16, "margin": 24},
        "theme": {"background": "#040B18", "panel": "#0B1A36",
                  "panel_border": "#1D3D6E", "text": "#D8E6FF",
                  "muted": "#9FC3F5", "accent": "#5FD3FF",
                  "good": "#35E07A", "bad": "#FF5B5B",
                  "sizes": {"small": 28, "body": 36, "title": 30,
                            "value": 64, "display": 64}},
        "sources": {
            "kpi": {"url": FEED + "/kpi.json", "every": "1s",
                    "timeout": "3s", "stale_after": "5s",
                    "label": "Máy chủ dữ liệu mẫu (kpi.json)"},
            "series": {"url": FEED + "/series.json", "every": "1s",
                       "timeout": "3s", "stale_after": "5s",
                       "label": "Máy chủ dữ liệu mẫu (series.json)"},
            "tinh": {"url": FEED + "/provinces.json", "every": "5s",
                     "timeout": "4s", "stale_after": "20s",
                     "label": "Máy chủ dữ liệu mẫu (provinces.json)"},
        },
        "scenes": [{"id": "tham-chieu", "title": "Cảnh tham chiếu",
                    "widgets": widgets(variant)}],
    }
    return doc


def widget_text(w, ind):
    """One widget: id, type and cell on the first line, then a key a line;
    long lists (streams, ticker items, series) an element a line."""
    j = lambda v: json.dumps(v, ensure_ascii=False,  # noqa: E731
                             separators=(", ", ": "))
    keys = list(w)
    first = ", ".join("%s: %s" % (j(k), j(w[k])) for k in keys[:3])
    parts = []
    for k in keys[3:]:
        v = w[k]
        if isinstance(v, list) and len(j(v)) > 60:
            inner = (",\n" + ind + "   ").join(j(x) for x in v)
            parts.append("%s: [\n%s   %s]" % (j(k), ind, inner))
        else:
            parts.append("%s: %s" % (j(k), j(v)))
    return ind + "{" + first + "".join(",\n" + ind + " " + p
                                       for p in parts) + "}"


def emit(variant):
    """JSON with // comments (the layout format allows them)."""
    doc = layout(variant)
    scene = doc["scenes"][0]
    pairs = scene["widgets"]
    scene["widgets"] = "@@WIDGETS@@"
    head = json.dumps(doc, ensure_ascii=False, indent=2)
    rows = []
    for k, (comment, w) in enumerate(pairs):
        lines = []
        if comment:
            lines += ["        // " + c for c in comment.split("\n")]
        body = widget_text(w, "        ")
        lines.append(body + ("," if k + 1 < len(pairs) else ""))
        rows.append("\n".join(lines))
    head = head.replace('"@@WIDGETS@@"', "[\n" + "\n".join(rows) +
                        "\n      ]")
    intro = HEADER[variant]
    return "".join("// " + l + "\n" if l else "//\n"
                   for l in intro.split("\n")) + head + "\n"


COMMON = """\
Generated by make_layouts.py (edit that, not this file).
The reference scene of issue 14 (shared/bench/REFERENCE-SCENE.md), the same
scene as the web peer (shared/bench/peer-web, its shot-full.png): a 2 x 2
wall of 1920 x 1080 displays with no mullion, so the canvas is 3840 x 2160
as on the peer, fed by the peer's feedserver.py on 127.0.0.1:8653 and
playing its media/cam01..16.mp4.  bench/reference.sh measures it beside the
peer.

What differs from the peer's page, and why:
- Arrangement: no widget crosses the edge between two displays (opswall's
  rule: text must not straddle a bezel).  Header and the 8 KPIs, then the 4
  line charts side by side on the top displays; map, ranking and cameras on
  the bottom ones.  The peer has three columns (lines, map, cameras over
  the ranking) over both rows of displays; at these text sizes the 20 rows
  of the ranking and 16 tiles of about 320 x 180 do not fit one above the
  other in a column, and its map and two of its charts cross a bezel.
- Text is at least as large as the peer's counterpart: secondary text
  (axes, legends, captions, ranking) 28 px where the peer has 18-22, KPI
  values 64 px (60), title 64 px bold (54), clock 64 px (60).  The wall
  declares a 2.2 m reading distance: the distance at which 28 px passes
  opswall's 20-arcminute check (the peer's 18 px axis labels need 1.4 m).
- Header: the title on the left display, the clock with the date under it
  on the right (the peer: date left, title centred across the bezel,
  clock right).
- KPIs: title, unit and decimals are written here (the peer takes them
  from kpi.json, where they never change); opswall binds values only.
  The delta is written "0,3 (0,02%)" as on the peer; "so với lần trước"
  only where it fits (opswall leaves secondary text out rather than shrink
  it), and a unit that does not fit beside its value goes under it.  Each
  tile has opswall's footer "cập nhật HH:MM · vừa xong" (the peer shows no
  freshness); the sparkline is a line, without the peer's gradient fill.
- Line charts: the points are bare numbers (the value at t-119+i), and
  opswall cannot turn the index into a time, so the x axis has no labels
  where the peer writes HH:MM:SS; the newest value of each series is
  written at the right end; the unit is under the title.
- Map: the peer's 5 classes (<40, 40-60, 60-80, 80-100, >=100) with
  opswall's viridis palette (colour-blind safe, the highest class the
  brightest on the dark ground) instead of the peer's blue-to-red; the
  outer classes are labelled with the data's lowest and highest value;
  province names where they fit (the peer: none); the archipelagos in
  insets as on the peer.
- Cameras: one conference widget; its 4 x 4 grid is as large as the cell
  allows, about 305 x 172 per picture (the peer: 320 x 180), the label
  under each picture (the peer: over its corner).
- Ticker: the peer's items at 120 px/s, separated by a dot (the peer: a
  yellow diamond).
- Feeds: polled every 1 s (kpi, series) and 5 s (provinces) as on the
  peer, each on its own schedule (the peer aligns its polls to the wall
  clock's second).  feedserver.py sends no ETag, so each poll fetches and
  parses the whole body."""

HEADER = {
    "full": COMMON + "\n\nVariant full: everything.",
    "novideo": COMMON + "\n\nVariant novideo: no video tiles (the camera "
               "panel stays, empty).",
    "idle": COMMON + "\n\nVariant idle: for feedserver.py --frozen (nothing "
            "changes); no ticker (the\npeer keeps an empty band with its "
            "label), no video (the camera panel stays,\nempty), the clock "
            "without seconds.",
}


def main():
    for v in VARIANTS:
        with open(os.path.join(HERE, v + ".json"), "w",
                  encoding="utf-8") as f:
            f.write(emit(v))


if __name__ == "__main__":
    main()
