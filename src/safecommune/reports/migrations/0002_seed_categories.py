"""Seed the category vocabulary from DOMAIN.md ("What the commune records"). The data lives
here, not in the app, so the migration stays what it was when later edits change the app.
Existing codes are left as they are (an administrator may have edited them)."""

from django.db import migrations

# code, parent code, vi, en, sv, ru, open to residents, crime tip
CATEGORIES = [
    ("national_security", None, "An ninh quốc gia", "National security",
     "Nationell säkerhet", "Национальная безопасность", False, True),
    ("social_order", None, "Tội phạm về trật tự xã hội", "Crimes against social order",
     "Brott mot allmän ordning", "Преступления против общественного порядка", True, True),
    ("violence", "social_order", "Cố ý gây thương tích, bạo lực", "Violence and assault",
     "Våld och misshandel", "Насилие и побои", True, True),
    ("robbery", "social_order", "Cướp tài sản", "Robbery", "Rån", "Грабёж и разбой", True,
     True),
    ("theft", "social_order", "Trộm cắp tài sản", "Theft", "Stöld", "Кража", True, True),
    ("fraud", "social_order", "Lừa đảo chiếm đoạt tài sản (cả trên mạng)",
     "Fraud, online fraud included", "Bedrägeri, även på nätet",
     "Мошенничество, в том числе в интернете", True, True),
    ("gambling", "social_order", "Đánh bạc, tổ chức đánh bạc", "Gambling", "Hasardspel",
     "Азартные игры", True, True),
    ("disorder", "social_order", "Gây rối trật tự công cộng", "Public disorder",
     "Ordningsstörning", "Нарушение общественного порядка", True, True),
    ("sexual_abuse", "social_order", "Xâm hại tình dục", "Sexual abuse",
     "Sexuella övergrepp", "Сексуальное насилие", True, True),
    ("trafficking", "social_order", "Mua bán người", "Human trafficking", "Människohandel",
     "Торговля людьми", True, True),
    ("drugs", None, "Ma túy", "Drugs", "Narkotika", "Наркотики", True, True),
    ("drug_dealing", "drugs", "Mua bán, tàng trữ trái phép chất ma túy",
     "Drug dealing and possession", "Narkotikahandel och innehav",
     "Сбыт и хранение наркотиков", True, True),
    ("drug_use", "drugs", "Sử dụng trái phép chất ma túy", "Drug use", "Narkotikabruk",
     "Употребление наркотиков", True, False),
    ("drug_managed_person", "drugs", "Người sử dụng ma túy trong diện quản lý",
     "Drug users under management", "Narkotikabrukare under tillsyn",
     "Потребители наркотиков на учёте", False, False),
    ("social_evils", None, "Tệ nạn xã hội", "Social evils (prostitution and the like)",
     "Sociala missförhållanden (prostitution m.m.)", "Социальные пороки (проституция и др.)",
     True, False),
    ("economic_crime", None, "Tội phạm kinh tế, buôn lậu", "Economic crime and smuggling",
     "Ekonomisk brottslighet och smuggling", "Экономические преступления и контрабанда", True,
     True),
    ("smuggling", "economic_crime", "Buôn lậu, vận chuyển hàng cấm",
     "Smuggling and prohibited goods", "Smuggling och förbjudna varor",
     "Контрабанда и запрещённые товары", True, True),
    ("cyber_crime", None, "Tội phạm sử dụng công nghệ cao", "Cyber crime", "It-brottslighet",
     "Киберпреступность", True, True),
    ("traffic", None, "Trật tự, an toàn giao thông", "Traffic safety", "Trafiksäkerhet",
     "Безопасность дорожного движения", True, False),
    ("traffic_accident", "traffic", "Tai nạn giao thông", "Traffic accident", "Trafikolycka",
     "Дорожно-транспортное происшествие", True, False),
    ("traffic_violation", "traffic", "Vi phạm giao thông", "Traffic violation",
     "Trafikförseelse", "Нарушение правил дорожного движения", True, False),
    ("fire", None, "Cháy, nổ", "Fire and explosion", "Brand och explosion",
     "Пожар и взрыв", True, False),
    ("weapons", None, "Vũ khí, vật liệu nổ, công cụ hỗ trợ",
     "Weapons, explosives and supporting tools", "Vapen, sprängämnen och hjälpmedel",
     "Оружие, взрывчатые вещества и вспомогательные средства", True, True),
    ("weapons_handover", "weapons", "Thu hồi, giao nộp vũ khí", "Weapons handed over",
     "Inlämnade vapen", "Сдача оружия", True, False),
    ("civil_dispute", None, "Tranh chấp dân sự, hòa giải", "Civil disputes and mediation",
     "Civila tvister och medling", "Гражданские споры и примирение", True, False),
    ("land_dispute", "civil_dispute", "Tranh chấp đất đai, ranh giới",
     "Land and boundary dispute", "Mark- och gränstvist", "Спор о земле и границах участков",
     True, False),
    ("water_dispute", "civil_dispute", "Tranh chấp nguồn nước", "Water dispute",
     "Tvist om vatten", "Спор о воде", True, False),
    ("domestic_violence", None, "Bạo lực gia đình", "Domestic violence",
     "Våld i nära relationer", "Домашнее насилие", True, False),
    ("administrative_violation", None, "Vi phạm hành chính", "Administrative violation",
     "Administrativ överträdelse", "Административное правонарушение", True, False),
    ("residence_violation", None, "Vi phạm về cư trú, người nước ngoài",
     "Residence and foreigner violations", "Brott mot reglerna om boende och utlänningar",
     "Нарушения правил проживания и пребывания иностранцев", True, False),
    ("other", None, "Khác", "Other", "Övrigt", "Другое", True, False),
]


def seed(apps, schema_editor):
    Category = apps.get_model("reports", "Category")
    by_code = {}
    for position, (code, parent, vi, en, sv, ru, public, tip) in enumerate(CATEGORIES, 1):
        by_code[code], _created = Category.objects.get_or_create(code=code, defaults={
            "parent": by_code.get(parent), "name_vi": vi, "name_en": en, "name_sv": sv,
            "name_ru": ru, "is_public": public, "is_tip": tip, "position": position * 10})


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
