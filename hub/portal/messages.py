"""The dashboard's words in Vietnamese (the default) and English, for templates and scripts."""

from __future__ import annotations

from starlette.requests import Request

from hub.errors import InvalidInputError

LANGUAGES = ("vi", "en")

# key: (Vietnamese, English)
MESSAGES: dict[str, tuple[str, str]] = {
    "site.name": ("Cổng dữ liệu báo cáo", "Reporting data portal"),
    "site.tagline": (
        "Hệ thống thông tin báo cáo — số liệu từ các báo cáo đã được tiếp nhận",
        "Reporting information system — figures from accepted reports",
    ),
    "nav.overview": ("Tổng quan", "Overview"),
    "nav.graphiql": ("GraphiQL", "GraphiQL"),
    "nav.main": ("Điều hướng chính", "Main navigation"),
    "lang.switch": ("English", "Tiếng Việt"),
    "lang.switch.label": ("Xem bằng tiếng Anh", "Xem bằng tiếng Việt"),
    "skip": ("Bỏ qua, đến nội dung chính", "Skip to main content"),
    "loading": ("Đang tải số liệu…", "Loading figures…"),
    "noscript": (
        "Trang này cần JavaScript để vẽ biểu đồ; số liệu cũng có qua /graphql.",
        "This page needs JavaScript to draw its charts; the figures are also at /graphql.",
    ),
    "error.load": ("Không tải được số liệu", "Could not load the figures"),
    "nodata": ("Chưa có số liệu", "No figures yet"),
    "overview.title": ("Tổng quan kinh tế - xã hội", "Socio-economic overview"),
    "overview.lead": (
        "Các chỉ tiêu chủ yếu của cả nước, theo kỳ báo cáo gần nhất.",
        "Headline indicators for the whole country, latest reporting period.",
    ),
    "overview.headlines": ("Chỉ tiêu chủ yếu", "Headline indicators"),
    "overview.rollup": (
        "tổng của các tỉnh, thành phố đã báo cáo",
        "sum of the provinces that reported",
    ),
    "overview.provinces": ("So sánh giữa các tỉnh, thành phố", "Provinces compared"),
    "overview.regimes": ("Chế độ báo cáo", "Reporting regimes"),
    "overview.regimes.lead": (
        "Tình hình gửi báo cáo của các cơ quan, đơn vị theo từng chế độ.",
        "Who has reported, on time or late, under each regime.",
    ),
    "latest": ("Kỳ gần nhất", "Latest period"),
    "trend": ("Diễn biến", "Trend"),
    "details": ("Chi tiết chỉ tiêu", "Indicator details"),
    "compliance.open": ("Xem tình hình báo cáo", "See the compliance board"),
    "frequency": ("Kỳ", "Frequency"),
    "indicator.series": ("Số liệu theo địa phương", "Series by area"),
    "indicator.ranking": ("Xếp hạng các tỉnh, thành phố", "Provinces ranked"),
    "indicator.ranking.none": (
        "Chưa có số liệu cấp tỉnh cho lựa chọn này.",
        "No provincial figures for this selection.",
    ),
    "indicator.metadata": ("Thông tin chỉ tiêu", "About the indicator"),
    "indicator.filters": ("Lựa chọn số liệu", "Choose the figures"),
    "indicator.code": ("Mã chỉ tiêu", "Code"),
    "indicator.definition": ("Khái niệm", "Definition"),
    "indicator.method": ("Phương pháp tính", "Method"),
    "indicator.unit": ("Đơn vị tính", "Unit"),
    "indicator.frequencies": ("Kỳ công bố", "Frequencies"),
    "indicator.agency": ("Cơ quan chịu trách nhiệm", "Responsible agency"),
    "indicator.disaggregations": ("Phân tổ chủ yếu", "Disaggregations"),
    "indicator.source": ("Nguồn số liệu", "Source"),
    "indicator.legal": ("Căn cứ pháp lý", "Legal basis"),
    "indicator.aggregation": ("Cách tổng hợp", "Aggregation"),
    "indicator.iri": ("Định danh (IRI)", "Identifier (IRI)"),
    "indicator.group": ("Nhóm chỉ tiêu", "Group"),
    "area": ("Địa phương", "Area"),
    "value": ("Giá trị", "Value"),
    "rank": ("Hạng", "Rank"),
    "period": ("Kỳ báo cáo", "Period"),
    "compliance.title": ("Tình hình gửi báo cáo", "Compliance board"),
    "compliance.period": ("Kỳ báo cáo", "Reporting period"),
    "compliance.previous": ("Kỳ trước", "Previous period"),
    "compliance.next": ("Kỳ sau", "Next period"),
    "compliance.deadline": ("Hạn gửi", "Deadline"),
    "compliance.cutoff": ("Thời gian chốt số liệu", "Data cut-off"),
    "compliance.asof": ("Tính đến", "As of"),
    "compliance.obliged": ("Phải báo cáo", "Obliged"),
    "compliance.on_time": ("Đúng hạn", "On time"),
    "compliance.late": ("Trễ hạn", "Late"),
    "compliance.missing": ("Chưa gửi, quá hạn", "Missing"),
    "compliance.expected": ("Chưa đến hạn", "Not yet due"),
    "compliance.chart": ("Cơ cấu tình hình gửi báo cáo", "Reports by status"),
    "compliance.agency": ("Cơ quan, đơn vị", "Agency"),
    "compliance.submitted": ("Gửi lần đầu", "First submitted"),
    "compliance.version": ("Phiên bản", "Version"),
    "compliance.status": ("Trạng thái", "Status"),
    "compliance.none": ("Không có", "None"),
    "status.SUBMITTED": ("Đã gửi", "Submitted"),
    "status.RESUBMITTED": ("Đã gửi lại", "Resubmitted"),
    "status.ACCEPTED": ("Đã tiếp nhận", "Accepted"),
    "status.RETURNED": ("Trả lại", "Returned"),
    "status.DRAFT": ("Bản nháp", "Draft"),
    "status.SUPERSEDED": ("Đã thay thế", "Superseded"),
    "flag.ESTIMATED": ("ước tính", "estimated"),
    "flag.PROVISIONAL": ("sơ bộ", "provisional"),
    "flag.FORECAST": ("dự báo", "forecast"),
    "previous": ("Kỳ trước", "Previous period"),
    "freq.ANNUAL": ("Năm", "Annual"),
    "freq.SEMIANNUAL": ("6 tháng", "Semi-annual"),
    "freq.QUARTERLY": ("Quý", "Quarterly"),
    "freq.MONTHLY": ("Tháng", "Monthly"),
    "freq.WEEKLY": ("Tuần", "Weekly"),
    "freq.DAILY": ("Ngày", "Daily"),
    "agg.SUM": ("Cộng dồn", "Sum"),
    "agg.AVERAGE": ("Bình quân", "Average"),
    "agg.WEIGHTED_AVERAGE": ("Bình quân gia quyền", "Weighted average"),
    "agg.NONE": ("Không cộng gộp", "Not aggregated"),
    "graphiql.title": ("GraphiQL — truy vấn GraphQL", "GraphiQL — GraphQL queries"),
    "notfound.title": ("Không tìm thấy", "Not found"),
    "badrequest.title": ("Yêu cầu không hợp lệ", "Bad request"),
    "back": ("Về trang tổng quan", "Back to the overview"),
}


def page_language(request: Request) -> str:
    """`vi` unless the page was asked for with `?lang=en`; another value is a clear error."""
    lang = request.query_params.get("lang", "vi")
    if lang not in LANGUAGES:
        raise InvalidInputError(f"unknown language {lang!r}: expected vi or en", field="lang")
    return lang


def messages_for(lang: str) -> dict[str, str]:
    """Every message in `lang`."""
    index = LANGUAGES.index(lang)
    return {key: texts[index] for key, texts in MESSAGES.items()}
