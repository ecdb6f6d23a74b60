"""Place and school name pools for the fictional 江南省. Pools are drawn without replacement
inside a district so that names never repeat there."""

# ruff: noqa: E501 (name pools read best one per line)
from __future__ import annotations

import random

PROVINCE_CODE = "390000"  # 39 is not assigned to any real province: the data is plainly synthetic
PROVINCE_NAME = "江南省"
FIRST_CITY = "青川"
FIRST_DISTRICT = "临溪"

PLACE_FIRST = "临青云白安永清东南宁泰广崇乐宜金黎万遂新吉龙定会瑞兴丰鹤桐松桂梓柳芦"
PLACE_SECOND = "溪山阳水平宁河川丰远和昌仁安源城江岭州湖浦泉峰华"

STREET_ROOTS = [
    "城关",
    "青云",
    "临江",
    "东湖",
    "西门",
    "南塘",
    "北山",
    "凤凰",
    "文昌",
    "和平",
    "滨江",
    "龙泉",
    "五一",
    "解放",
    "新华",
    "长安",
    "望城",
    "锦绣",
    "育才",
    "光明",
]
TOWN_ROOTS = [
    "石桥",
    "白沙",
    "柳溪",
    "黄坪",
    "高桥",
    "新塘",
    "大洲",
    "梅林",
    "古城",
    "长埠",
    "清水",
    "双港",
    "太平",
    "安和",
    "永丰",
    "河口",
    "三江",
    "马头",
    "金滩",
    "潭口",
    "湖坊",
    "乌石",
    "青塘",
    "樟树",
    "罗坊",
    "麻田",
    "官庄",
    "沙溪",
]
TOWNSHIP_ROOTS = [
    "枫林",
    "云岭",
    "茶山",
    "竹坑",
    "石门",
    "高岭",
    "上坪",
    "桃源",
    "杉木",
    "苦竹",
    "金鸡",
    "东坑",
    "白云",
    "龙潭",
    "黄岗",
    "岭背",
    "坪上",
    "大坪",
    "九曲",
    "牛岭",
    "鹅湖",
    "仙岩",
]
VILLAGES = [
    "黄家",
    "李家",
    "上坪",
    "下坪",
    "杨柳",
    "杏花",
    "竹林",
    "松树",
    "马鞍",
    "青龙",
    "白马",
    "金竹",
    "大塘",
    "小塘",
    "新田",
    "枫树",
    "樟木",
    "茶园",
    "水口",
    "河东",
    "河西",
    "岭下",
    "坑口",
    "塘背",
    "田心",
    "井头",
    "双溪",
    "三合",
    "四方",
    "五里",
    "六合",
    "七星",
    "八角",
    "九龙",
    "十里",
    "桥头",
    "湾里",
    "山背",
    "陈坊",
    "刘家",
    "周家",
    "邓家",
    "何家",
    "胡家",
    "谢坊",
    "洋田",
    "畈上",
    "垅口",
    "岗上",
    "塅下",
    "石陂",
    "源头",
    "横坑",
    "里坑",
    "长坑",
    "柏林",
    "梨树",
    "桑园",
    "荷塘",
    "莲花",
    "凤岭",
    "鹿角",
    "燕窝",
    "龙门",
    "狮口",
    "虎形",
    "象山",
    "鸡鸣",
]
KINDERGARTEN_BRANDS = [
    "小太阳",
    "金色童年",
    "蓝天",
    "贝贝",
    "童心",
    "阳光",
    "启明星",
    "小天使",
    "博雅",
    "爱弥儿",
    "七彩",
    "育才",
    "小博士",
    "好孩子",
    "红黄蓝",
    "新蕾",
    "春苗",
    "未来星",
    "快乐宝贝",
    "智慧树",
    "小精灵",
    "绿苗",
    "东方娃娃",
    "童之梦",
]

CHINESE_NUMERALS = "零一二三四五六七八九十"


def chinese_number(n: int) -> str:
    """1-99 in Chinese numerals, as in 第十二小学."""
    if n <= 10:
        return CHINESE_NUMERALS[n]
    tens, ones = divmod(n, 10)
    return (CHINESE_NUMERALS[tens] if tens > 1 else "") + "十" + (CHINESE_NUMERALS[ones] if ones else "")


class Pool:
    """Draw names without replacement; falls back to numbered names when a pool runs dry."""

    def __init__(self, rng: random.Random, names: list[str] | tuple[str, ...]) -> None:
        self.names = list(names)
        rng.shuffle(self.names)
        self.used = 0

    def take(self) -> str:
        self.used += 1
        if self.used <= len(self.names):
            return self.names[self.used - 1]
        return f"{self.names[(self.used - 1) % len(self.names)]}{chinese_number(self.used // len(self.names) + 1)}"


def place_names(rng: random.Random, count: int, *, exclude: set[str]) -> list[str]:
    """Two-character fictional place names for cities and districts."""
    names: list[str] = []
    while len(names) < count:
        name = rng.choice(PLACE_FIRST) + rng.choice(PLACE_SECOND)
        if name not in exclude and name[0] != name[1]:
            exclude.add(name)
            names.append(name)
    return names
