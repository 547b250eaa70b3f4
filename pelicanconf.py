"""gongshi site settings and publication policy (a Pelican settings file).

`gongshi build` and `pelican content -s pelicanconf.py` both read this file.
Every policy default cites the rule it comes from; a jurisdiction changes a
setting here, never code.
"""

# -- Pelican: the site ---------------------------------------------------------
SITENAME = "行政执法公示专栏"
PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme"
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh"
SITEURL = ""

# The gongshi plugin renders every page; see generator/pelican_plugin.py.
PLUGINS = ["generator.pelican_plugin"]

# Pelican's own readers must never see the records: its Markdown reader would
# publish raw front matter (names, ID numbers) as articles.
READERS = {ext: None for ext in ("md", "markdown", "mkd", "mdown", "html", "htm", "rst")}
ARTICLE_PATHS = ["__gongshi_no_articles__"]
PAGE_PATHS = ["__gongshi_no_pages__"]
STATIC_PATHS = []
THEME_STATIC_PATHS = []  # the plugin copies theme/static itself
DIRECT_TEMPLATES = []
PAGINATED_TEMPLATES = {}
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
FEED_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TAG_SAVE_AS = ""
TAGS_SAVE_AS = ""
CATEGORY_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
# Publishing is atomic (staging directory + swap), so Pelican must not delete.
DELETE_OUTPUT_DIRECTORY = False
LOAD_CONTENT_CACHE = False

# -- gongshi: publication policy -----------------------------------------------
# S004 公示管理三: decision info (penalty, licence, coercive, inspection) may be
# taken down after 1 year online, counted from published_on, else from the
# later of the decision date and publish_on.
GONGSHI_DECISION_WINDOW_YEARS = 1
# S004 公示管理三: penalties for serious dishonesty (严重失信) stay 3 years.
GONGSHI_SERIOUS_WINDOW_YEARS = 3
# Per-type override in years, e.g. S003 第十三条 (3 years for all):
# GONGSHI_DECISION_WINDOW_YEARS = 3, or {"license": 3} here.
GONGSHI_WINDOW_YEARS_BY_TYPE = {}
# S000 第三十八条: pre-decision notices (许可决定前公示) run 10 working days.
GONGSHI_NOTICE_WORKING_DAYS = 10
# Ended notices stay listed as 公示期满 for 1 year (calendar days).
GONGSHI_NOTICE_LISTED_DAYS_AFTER_END = 365
# Held hearings stay listed for 1 year after the hearing.
GONGSHI_HEARING_LISTED_DAYS_AFTER = 365
# Decided applications stay listed for 1 year after the decision.
GONGSHI_APPLICATION_LISTED_DAYS_AFTER = 365
# S000 第二十八条: licence decisions within 20 working days; special
# procedures (专家评审/现场核查/听证/整改/公示) do not count (S000 第十条).
GONGSHI_APPLICATION_WORKING_DAYS = 20
# S004 公示管理二: repealed laws are updated within 60 working days.
GONGSHI_LAW_REPEAL_GRACE_WORKING_DAYS = 60
# 安全生产法 第七十八条; S000 第三十二条: penalties and licences published
# within 7 working days; S003 第十三条: others within 20 working days.
GONGSHI_PUBLICATION_DEADLINE_WORKING_DAYS = {"penalty": 7, "license": 7}
GONGSHI_PUBLICATION_DEADLINE_DEFAULT_WORKING_DAYS = 20
# S004 事后公示(七): a revoked decision is taken down within 3 working days.
GONGSHI_WITHDRAWAL_DEADLINE_WORKING_DAYS = 3
# Holidays / 调休 working days for years the holiday package does not know yet
# (chinesecalendar 1.11 knows 2004-2026). Add the State Council's notice here.
GONGSHI_EXTRA_HOLIDAYS = []
GONGSHI_EXTRA_WORKDAYS = []
# SPEC 5.2: legal representatives (法定代表人) are public by default.
GONGSHI_LEGAL_REPRESENTATIVE_PUBLIC = True
# S004 事后公示(六)1: decisions about minors are not published.
GONGSHI_ADULT_AGE = 18
# Items per listing page.
GONGSHI_PAGE_SIZE = 20
# Build the citizen search index (Pagefind) into output/.
GONGSHI_SEARCH_INDEX = True
