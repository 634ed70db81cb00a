"""What the demo's calls, reports and incidents say, in Vietnamese as a commune officer writes
it, and how often each kind occurs. Data, not msgids: records are written in the language of
the commune, whatever the reader's interface language. Weights are invented but plausible:
land disputes and theft lead in the Central Highlands, smuggling and foreigners' residence at
the Móng Cái border, traffic on Quảng Trị's national road, online fraud and youth groups near
Đà Lạt (the Hiệp Thạnh article)."""

from __future__ import annotations

# --- Incidents by category: summaries and where they happened --------------------------------

SUMMARIES: dict[str, list[str]] = {
    "theft": ["Mất trộm xe máy để trước cửa nhà", "Mất trộm điện thoại tại chợ",
              "Mất trộm gà, vịt trong chuồng ban đêm", "Kẻ gian cạy cửa lấy trộm tiền",
              "Mất trộm dây điện của trạm bơm", "Mất trộm bình ắc quy máy cày",
              "Mất trộm xe đạp của học sinh ở cổng trường"],
    "violence": ["Xô xát giữa hai thanh niên tại quán nhậu", "Đánh nhau sau va chạm giao thông",
                 "Cố ý gây thương tích do mâu thuẫn đất đai"],
    "robbery": ["Giật túi xách của phụ nữ đi xe máy", "Cướp điện thoại trên đường liên thôn"],
    "fraud": ["Bị lừa chuyển tiền qua tin nhắn giả danh ngân hàng",
              "Bị lừa đặt cọc mua hàng trên mạng xã hội",
              "Người giả danh công an gọi điện yêu cầu chuyển tiền",
              "Lừa đảo tuyển cộng tác viên bán hàng trên mạng"],
    "gambling": ["Tụ tập đánh bài ăn tiền trong nhà dân", "Nghi có ổ ghi lô đề tại quán nước",
                 "Đá gà ăn tiền trong vườn"],
    "disorder": ["Nhóm thanh niên tụ tập nẹt pô, gây mất trật tự ban đêm",
                 "Say rượu gây rối tại đám cưới", "Gây rối, chửi bới tại chợ"],
    "trafficking": ["Nghi có người môi giới đưa phụ nữ sang bên kia biên giới"],
    "drug_dealing": ["Nghi có người mua bán ma túy tại khu nhà trọ",
                     "Đối tượng lạ giao nhận hàng nghi là ma túy ban đêm"],
    "drug_use": ["Nhóm thanh niên nghi sử dụng ma túy trong rẫy",
                 "Người nhà báo con có biểu hiện nghiện ma túy"],
    "social_evils": ["Nghi có hoạt động mại dâm tại nhà nghỉ",
                     "Quán karaoke có tiếp viên hoạt động trái phép"],
    "smuggling": ["Vận chuyển thuốc lá điếu nhập lậu qua đường mòn",
                  "Phát hiện nơi cất giấu pháo nổ",
                  "Vận chuyển hàng hóa không rõ nguồn gốc qua biên giới",
                  "Vận chuyển bình khí cười (N₂O) không có hóa đơn"],
    "cyber_crime": ["Tài khoản mạng xã hội bị chiếm để nhắn tin vay tiền người quen",
                    "Bị đe dọa tung ảnh riêng tư lên mạng"],
    "traffic_accident": ["Va chạm giữa xe máy và ô tô tải trên quốc lộ",
                         "Xe máy tự gây tai nạn tại khúc cua", "Va chạm hai xe máy tại ngã ba"],
    "traffic_violation": ["Xe tải chở quá tải làm hư đường bê tông thôn",
                          "Học sinh đi xe máy không đội mũ bảo hiểm",
                          "Điều khiển xe máy sau khi uống rượu bia"],
    "fire": ["Cháy nhà kho chứa phân bón", "Cháy rẫy do đốt thực bì",
             "Chập điện gây cháy quán tạp hóa"],
    "weapons": ["Tàng trữ súng tự chế trong nhà", "Mang dao tự chế đi đánh nhau"],
    "weapons_handover": ["Người dân tự nguyện giao nộp súng kíp",
                         "Giao nộp đầu đạn tìm thấy khi làm rẫy",
                         "Giao nộp dao, kiếm tự chế sau buổi tuyên truyền"],
    "land_dispute": ["Tranh chấp ranh giới đất rẫy giữa hai hộ", "Tranh chấp lối đi chung",
                     "Xây hàng rào lấn sang đất hộ bên cạnh"],
    "water_dispute": ["Tranh chấp nước tưới giữa các hộ đầu mương và cuối mương",
                      "Chặn dòng suối lấy nước tưới làm hộ dưới thiếu nước"],
    "domestic_violence": ["Chồng say rượu đánh vợ", "Con trai say rượu xúc phạm, đánh cha mẹ"],
    "administrative_violation": ["Đốt rác gây khói trong khu dân cư",
                                 "Karaoke hoạt động quá giờ quy định",
                                 "Chăn thả gia súc trên đường giao thông"],
    "residence_violation": ["Nhà trọ không khai báo lưu trú cho khách",
                            "Người nước ngoài lưu trú không khai báo",
                            "Ở quá 30 ngày không đăng ký tạm trú"],
    "other": ["Nhặt được ví có giấy tờ, nhờ trả lại người mất", "Tìm người già đi lạc",
              "Gia súc đi lạc vào vườn nhà"],
}

# Local colour: extra summaries for a commune (2025 code) and category.
LOCAL_SUMMARIES: dict[str, dict[str, list[str]]] = {
    "23776": {"theft": ["Mất trộm cà phê nhân phơi ngoài sân", "Mất trộm mủ cao su tại lô"],
              "land_dispute": ["Tranh chấp đất rẫy cà phê giữa hai gia đình trong làng"]},
    "06724": {"theft": ["Mất trộm trâu thả trên đồi"],
              "smuggling": ["Vận chuyển hàng nhập lậu qua đường tuần tra biên giới"],
              "residence_violation": ["Homestay không khai báo khách nước ngoài"]},
    "24967": {"theft": ["Mất trộm hoa trong nhà kính", "Mất trộm máy bơm tưới rau"],
              "disorder": ["Nhóm thiếu niên tụ tập, mang hung khí đi đánh nhau"]},
    "02926": {"land_dispute": ["Tranh chấp ranh giới ruộng giữa hai hộ"]},
}

PLACES = ["", "", "Chợ {village}", "Nhà văn hóa {village}", "Đường liên thôn {village}",
          "Ngã ba {village}", "Quán nước đầu {village}", "Khu rẫy sau {village}"]

# Relative weights of categories in the commune's incidents.
GENERIC_WEIGHTS: dict[str, float] = {
    "theft": 14, "violence": 6, "robbery": 1, "fraud": 8, "gambling": 4, "disorder": 5,
    "drug_dealing": 2, "drug_use": 3, "social_evils": 1, "cyber_crime": 3,
    "traffic_accident": 8, "traffic_violation": 6, "fire": 3, "weapons": 1,
    "weapons_handover": 3, "land_dispute": 8, "water_dispute": 2, "domestic_violence": 4,
    "administrative_violation": 5, "residence_violation": 3, "other": 6,
}
QUANG_TRI = {"traffic_accident": 10, "land_dispute": 9}
WEIGHTS_BY_COMMUNE: dict[str, dict[str, float]] = {
    "23776": {"land_dispute": 10, "water_dispute": 4, "theft": 16, "gambling": 5},
    "06724": {"smuggling": 10, "residence_violation": 7, "trafficking": 1, "weapons_handover": 4,
              "drug_dealing": 3, "fraud": 4},
    "24967": {"fraud": 10, "disorder": 7, "theft": 14},
    "02926": {"land_dispute": 9, "water_dispute": 3},
    "19681": QUANG_TRI, "19702": QUANG_TRI, "19741": QUANG_TRI, "19735": QUANG_TRI,
    "19699": QUANG_TRI,
}

# --- Timeline notes ------------------------------------------------------------------------

VERIFIED_NOTES = ["Xác minh tại hiện trường, có sự việc như phản ánh.",
                  "Đã làm việc với người báo tin và nhân chứng.", ""]
UNFOUNDED_NOTES = ["Xác minh không có sự việc như phản ánh.",
                   "Người báo tin nhầm lẫn; đã giải thích."]
HANDLING_NOTES = ["Đã mời các bên lên trụ sở làm việc.", "Đã lập biên bản, lấy lời khai.",
                  "Đã phối hợp với tổ bảo vệ an ninh, trật tự ở cơ sở theo dõi.",
                  "Đã thu thập hình ảnh từ camera an ninh của hộ dân."]
MEDIATED_NOTE = "Hòa giải thành; hai bên ký biên bản, cam kết không tái diễn."
RESOLVED_NOTES = ["Đã xử lý xong theo thẩm quyền.", "Đã xử lý, thông báo kết quả cho người báo.",
                  ""]
FORWARD_NOTE = "Chuyển tin báo và tài liệu ban đầu."
CLOSED_NOTE = ""

# --- Hotline calls (the "security keychain") ---------------------------------------------------

CALL_KIND_WEIGHTS = {"admin_question": 58, "incident_report": 14, "tip": 8, "complaint": 8,
                     "other": 12}

ADMIN_QUESTIONS: list[tuple[str, str]] = [
    ("Hỏi thủ tục đăng ký tạm trú cho người thuê trọ",
     "Hướng dẫn khai trên VNeID hoặc Cổng dịch vụ công, kèm hợp đồng thuê nhà."),
    ("Hỏi cách kích hoạt tài khoản định danh điện tử mức 2",
     "Hẹn ra trụ sở công an xã, mang căn cước gắn chip và điện thoại chính chủ."),
    ("Hỏi thủ tục cấp đổi thẻ căn cước", "Hướng dẫn giấy tờ cần mang và giờ tiếp dân."),
    ("Hỏi có phải khai báo tạm vắng khi đi làm ăn xa không",
     "Giải thích trường hợp phải khai báo và cách khai trên VNeID."),
    ("Hỏi thủ tục đăng ký xe máy mới mua", "Hướng dẫn hồ sơ và nộp lệ phí trực tuyến."),
    ("Hỏi xin xác nhận thông tin về cư trú", "Hướng dẫn đề nghị trên VNeID, nhận kết quả điện tử."),
    ("Hỏi thủ tục tách hộ khi con lập gia đình", "Hướng dẫn điều kiện và hồ sơ tách hộ."),
    ("Hỏi có cần khai báo lưu trú khi người thân đến chơi vài ngày",
     "Hướng dẫn thông báo lưu trú qua điện thoại, VNeID hoặc tại trụ sở."),
    ("Hỏi làm căn cước cho con dưới 14 tuổi", "Hướng dẫn cha mẹ làm trên VNeID cho con."),
    ("Hỏi thủ tục xóa đăng ký thường trú cho người đã mất",
     "Hướng dẫn mang giấy chứng tử đến trụ sở hoặc nộp trực tuyến."),
]
COMPLAINTS = ["Phản ánh karaoke hát sau 22 giờ gây ồn", "Phản ánh xe chở vật liệu làm rơi đất ra đường",
              "Phản ánh đèn chiếu sáng đường thôn bị hỏng", "Phản ánh người dân đốt rơm rạ gây khói",
              "Phản ánh chó thả rông không rọ mõm"]
COMPLAINT_ANSWERS = ["Đã ghi nhận, phân công tổ tự quản nhắc nhở.",
                     "Đã chuyển Ủy ban nhân dân xã xử lý theo thẩm quyền."]
OTHER_CALLS = [("Gọi nhầm số", ""), ("Hỏi số điện thoại của Ủy ban nhân dân xã", "Đã cung cấp số."),
               ("Cảm ơn công an xã đã giúp tìm lại xe", ""),
               ("Hỏi lịch tiếp dân của công an xã", "Sáng thứ Hai đến thứ Sáu và sáng thứ Bảy.")]
TIP_ANSWER = "Đã tiếp nhận, giữ bí mật người báo tin."
REPORT_ANSWER = "Đã tiếp nhận, cử cán bộ đến hiện trường."

# Public reports arrive by these channels (the hotline is counted as calls).
REPORT_CHANNELS = {"public_web": 40, "vneid": 25, "team_member": 25, "open311": 10}

# What residents add to a report after saying what happened.
REPORT_DETAILS = ["", "", "Đề nghị công an xã kiểm tra.", "Sự việc đã xảy ra nhiều lần.",
                  "Mong được giữ bí mật thông tin người báo."]
DUPLICATE_OPENINGS = ["Lại thấy: ", "Báo thêm: ", "Hàng xóm cũng báo: "]
