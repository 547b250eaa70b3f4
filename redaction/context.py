"""Personal names announced by a role word: 负责人张伟未佩戴安全帽 -> 张伟.

Used by the context-name detector (auto-masking) and by find_review_names.
The heuristics aim at the shortest plausible name; they are deliberately
simple and every hit is also listed for staff review.
"""

from __future__ import annotations

import re
from typing import Iterator

from ._text import HAN
from .names import COMPOUND_SURNAMES

# Role words after which a person's name commonly follows (longest first so
# that 作业人员 wins over 人员-less variants).
CONTEXT_WORDS = (
    "法定代理人", "委托代理人", "作业人员", "操作人员", "施工人员",
    "驾驶员", "驾驶人", "负责人", "联系人", "监护人", "举报人", "投诉人",
    "当事人", "受害人", "代理人",
    "证人", "员工", "职工", "工人", "司机", "经理", "户主", "姓名",
)

# The most common single-character surnames (2020 census order, roughly the
# first 250), minus characters that far more often start an ordinary word right
# after a role word (向/于/应/都/和/时/由/原/全/单/计/明/国/平/强/信/查 …).
# Rare surnames are left out on purpose: they are still caught by
# find_review_names (jieba) for staff review.
COMMON_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎"
    "贺顾毛郝龚邵万钱严覃武戴莫孔汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿"
    "关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕季裴霍涂成苗谷盛曲翁冉骆蓝游辛靳管柴蒙鲍华喻祁"
    "蒲房滕屈饶解牟艾尤阳穆农卓古吉缪简项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂佟臧闵"
    "苟邬卞姬仇栾隋刁沙荣巫寇桑郎甄丛仲虞敖巩佘池麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储栗燕楚"
    "鄢谌奚皮粟冼蔺闻厉伊仝郜海阚帅屠豆朴练廉禹井祖漆巴丰卿狄索晋容敬扈晁芮阙浦戈伏鹿邸雍辜"
    "羊阿乌母裘亓修邰赫杭宿鲜逯隆茹诸战慕玉银亢嵇哈湛宾戎勾茅呼揭尉冶斯束檀衣阴昝智植衡尧"
)

# Characters that end a name: verbs, particles and prepositions that commonly
# follow a person's name in enforcement prose. A name is cut before one of
# these as its third character ("shortest plausible name": 张伟未… -> 张伟).
STOP_CHARS = frozenset(
    "未在的于因等和与及或、正已将对把被是了也为到从向自由称说讲进使用擅私违无不没持驾驶操作负签拒"
    "经现当所系以就则又均都并同另曾应要需须可能会来去前后时处男女电手联身住家年岁出还先再该其此"
    "这那个各每即仍便却且而给让叫请通告表反提报发带拿随跟往离至帮替坐开关上下入回着过得地问答承"
    "认供述陈某们方面"
)
# Characters that cannot start a given name (当事人于当日…, 员工都未…): the
# particles above without those common in given names (正, 自, 同, 进, 家 …).
FIRST_GIVEN_STOP = STOP_CHARS - frozenset("正为自由进同来出开发承家讲陈")

# Two-character words that start with a surname character but are not names
# (当事人陈述, 作业人员安全…, 负责人签字 …).
NOT_NAMES = frozenset(
    """
    陈述 申请 申辩 申报 安全 安装 安排 安置 高空 高处 高压 高度 高温 文件 文书 程序 周边 周围
    周末 房屋 房间 房产 成立 成为 包括 包工 方可 方式 方面 任何 任务 任职 严重 严格 常规 常年
    金额 黄色 白色 蓝色 红色 何时 项目 关于 关闭 关键 石料 管理 管道 施工 毛重 马上 孔洞 田间
    林地 牛羊 董事 齐全 万元 付款 付清 曾经 武装 雷电 龙头 叶片 康复 温度 卫生 夏季 余额 余下
    许可 解除 解释 包装 季度 宋体 党员 杜绝 简易 简单 凌晨 左侧 左右 符合 章程 易燃 易爆 冷却
    冷库 纪律 毕业 季节 涂料 涂刷 盛装 路面 辛苦 尤其 阳台 农业 农民 连续 连接 景区 费用 柏油
    沙子 沙土 巩固 迟到 迟延 封闭 封存 谈话 南侧 南面 班组 班长 储存 储罐 皮肤 井下 井口 容器
    普通 薄弱 修理 修改 修复 宿舍 危险 危害 危化 银行 衣服 燕麦 华侨 甘肃 江苏 江西
    湖南 海南 云南 吉林 黑龙 宁夏 青海 西藏 新疆 广东 广西 山东 山西 河南 河北 安徽 福建 贵州
    四川 陕西 辽宁 浙江 内蒙 台湾 香港 澳门 上海 北京 天津 重庆 苏州 杭州 南京 武汉 成都 西安
    海上 古代 曲线 祝贺 乐意 乐于 贺电 钱款 姜黄 葛根 伊始 朱红 秦岭 蒙古 巴士 戴着 戴好 戴上
    雷管 骆驼 尚未 尚在 尚无 荣誉 燕子 宁可 宁愿 柳树 杨树 林业 索要 索取 索赔 晋升 容易 容许
    楚楚 丰富 麻烦 麻醉 池塘 官方 官员 南方 南北 海关 海拔 鲁莽 岳父 岳母 宫殿
    """.split()
)

# Organisation / place words: a "name" run that contains one of these is the
# start of an organisation or a place (当事人乌鲁木齐市…有限公司), not a person.
_ORG_WORDS = re.compile(
    "公司|有限|集团|合作社|中心|委员会|经营部|门市|商店|超市|个体|工作室|事务所|研究院|学校|医院"
    "|酒店|宾馆|饭店|餐厅|网吧|作坊|加工|工厂|分厂|厂区|厂房|项目部|指挥部|管理局|管理处|车队"
    "|单位|企业|工程|矿业|煤矿|化工|物流|建设|科技|实业|贸易|商贸|销售|零售|批发|工地|现场"
)
_PLACE_CHARS = frozenset("省市县区州盟旗乡镇村街路巷")
_ORG_END_CHARS = frozenset("店厂部站社行所院馆场队矿局处室组")

_CONTEXT_RX = re.compile(
    "(?:" + "|".join(sorted(CONTEXT_WORDS, key=len, reverse=True)) + ")"
    r"(?:[ \t]*[：:][ \t]*|[ \t]?)"
    "(?=([" + HAN + "]{2,20}))"
)


def _plausible(run: str) -> str | None:
    """The shortest plausible personal name at the start of `run`, or None."""
    if run[:2] in COMPOUND_SURNAMES and len(run) >= 3:
        slen = 2
    elif run[0] in COMMON_SURNAMES:
        slen = 1
    else:
        return None
    if len(run) <= slen:
        return None
    first_given = run[slen]
    if first_given in FIRST_GIVEN_STOP or run[slen - 1 : slen + 1] in NOT_NAMES or run[:2] in NOT_NAMES:
        return None
    n = slen + 1
    if len(run) > n and run[n] not in STOP_CHARS and run[n] != "某":
        n += 1
    name = run[:n]
    # Organisation or place? Look at the run up to the first stop character.
    seg_end = n
    while seg_end < len(run) and run[seg_end] not in STOP_CHARS:
        seg_end += 1
    seg = run[:seg_end]
    if _ORG_WORDS.search(seg):
        return None
    if len(seg) > n and (seg[-1] in _ORG_END_CHARS or any(c in _PLACE_CHARS for c in seg[2:])):
        return None
    if seg_end - n > 3:
        # A long run of non-stop characters after the "name": ordinary prose
        # (当事人员工作…), not a name followed by a verb.
        return None
    return name


def iter_context_names(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield (start, end, name) for names following a role word in `text`.

    Names already masked (李某, 某某) are skipped. `text` should be width-folded
    (the role words and Han characters are unaffected by folding).
    """
    for m in _CONTEXT_RX.finditer(text):
        run = m.group(1)
        start = m.start(1)
        if "某" in run[:3]:
            continue
        name = _plausible(run)
        if name is None:
            continue
        yield start, start + len(name), name
