"""Synthetic people: Chinese names, resident ID numbers with valid GB 11643 check digits, and
mobile numbers. All draws come from the caller's seeded random stream."""

# ruff: noqa: E501 (name pools read best one per line)
from __future__ import annotations

import datetime as dt
import random

# Common surnames, most frequent first; the weights follow the rough national order.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_SURNAME_WEIGHTS = [max(1.0, 30.0 - i * 0.3) for i in range(len(SURNAMES))]
MALE_CHARS = "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘"
FEMALE_CHARS = "秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽"

# GB 11643-1999: weights of the first 17 digits and the check character for (sum mod 11).
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

_PHONE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
]


def person_name(rng: random.Random, sex: str) -> str:
    surname = rng.choices(SURNAMES, weights=_SURNAME_WEIGHTS)[0]
    chars = MALE_CHARS if sex == "M" else FEMALE_CHARS
    given = rng.choice(chars)
    if rng.random() < 0.72:  # most people born after 1960 have two-character given names
        given += rng.choice(chars)
    return surname + given


def id_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def is_valid_id_number(value: str) -> bool:
    if len(value) != 18 or not value[:17].isdigit():
        return False
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return id_check_digit(value[:17]) == value[17].upper()


class IdentityFactory:
    """Unique ID numbers and phone numbers within one build."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._ids: set[str] = set()
        self._phones: set[str] = set()

    def id_number(self, *, region: str, birth_date: dt.date, sex: str) -> str:
        # The sequence's last digit is odd for men and even for women.
        while True:
            seq = self.rng.randrange(0, 100) * 10 + self.rng.randrange(0, 5) * 2 + (1 if sex == "M" else 0)
            first17 = f"{region}{birth_date:%Y%m%d}{seq:03d}"
            value = first17 + id_check_digit(first17)
            if value not in self._ids:
                self._ids.add(value)
                return value

    def phone(self) -> str:
        while True:
            value = self.rng.choice(_PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if value not in self._phones:
                self._phones.add(value)
                return value
