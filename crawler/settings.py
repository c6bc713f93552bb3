"""Scrapy settings for nianbao.

Every custom setting is prefixed (``NIANBAO_``, ``CASSETTE_``), has its default here and is
documented in the README. This is the only module that reads the environment.
"""

from __future__ import annotations

import os
from pathlib import Path

BOT_NAME = "nianbao"
SPIDER_MODULES = ["nianbao.crawler.spiders"]
NEWSPIDER_MODULE = "nianbao.crawler.spiders"
#: Module spiders plus one spider per row of the portal registry (crawler/spiders/registry.py).
SPIDER_LOADER_CLASS = "nianbao.crawler.spiders.registry.RegistrySpiderLoader"
#: The registries, comma-separated: ``default`` is crawler/portals.csv; more files (generated
#: rows) may follow, "" loads none.
NIANBAO_REGISTRY = os.environ.get("NIANBAO_REGISTRY", "default")

#: The repository (or install) root: cassettes/ lives beside crawler/.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

# --- Storage -------------------------------------------------------------------------------
#: SQLAlchemy URL of the database the store pipeline writes to.
NIANBAO_DATABASE_URL = os.environ.get("NIANBAO_DB", "sqlite:///nianbao.db")
#: Reports written per transaction by the store pipeline (pipelines/db/bulk.py), and the longest
#: one waits for its batch; 1 writes each report alone as it arrives.
NIANBAO_STORE_BATCH = 100
NIANBAO_STORE_BATCH_SECONDS = 2.0
#: Fail the crawl (exit status) when a report breaks a hard consistency rule.
NIANBAO_STRICT = os.environ.get("NIANBAO_STRICT", "") not in ("", "0", "false")

# --- Politeness (government servers are small; be a good citizen) ---------------------------
#: A URL where operators can read who runs this crawler and how to reach them.
NIANBAO_CONTACT_URL = os.environ.get("NIANBAO_CONTACT_URL", "https://github.com/nianbao/nianbao")
USER_AGENT = f"nianbao/0.1 (+{NIANBAO_CONTACT_URL}; annual-report research crawler)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
# --- Broad crawl (many portals in one run; crawler/spiders/broad.py) -------------------------
#: The scheduler hands out the requests of the hosts with the fewest requests in flight first,
#: so a portal with a deep column does not hold the queue while others wait (per-host slots
#: keep CONCURRENT_REQUESTS_PER_DOMAIN and DOWNLOAD_DELAY). Same order as before for a crawl
#: of one portal.
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.DownloaderAwarePriorityQueue"
#: Every host is looked up once a night (a county portal has one to three names).
DNSCACHE_ENABLED = True
DNSCACHE_SIZE = 50_000
DNS_TIMEOUT = 20
#: Threads for DNS lookups, clean-up, parsing and attachment reading (pipelines/workers.py).
REACTOR_THREADPOOL_MAXSIZE = 20
#: Requests in flight over all hosts when many portals run in one crawler (the broad spider's
#: CONCURRENT_REQUESTS); each host still gets CONCURRENT_REQUESTS_PER_DOMAIN at most.
NIANBAO_BROAD_CONCURRENCY = 128
#: `nianbao crawl` runs this many portal spiders or more through one broad crawler instead
#: of one crawler each (measured: README "Broad crawl"); 0 never does.
NIANBAO_BROAD_THRESHOLD = 50
#: Above this resident memory the crawl stops cleanly (its job directory resumes it) rather
#: than being killed; 0 turns the check off.
MEMUSAGE_LIMIT_MB = 0
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
#: Retries (5xx, 408/429, timeouts) wait BASE * 2**(attempt - 1) seconds, at most MAX
#: (crawler/middlewares/retry.py); 0 retries at once, as Scrapy does.
NIANBAO_RETRY_BACKOFF_BASE = 1.0
NIANBAO_RETRY_BACKOFF_MAX = 60.0
DOWNLOAD_TIMEOUT = 60
#: Attachments and pages above this size are refused (bytes).
DOWNLOAD_MAXSIZE = 50 * 1024 * 1024
DOWNLOAD_WARNSIZE = 10 * 1024 * 1024
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False

# --- Attachments (reports published as PDF/DOC/DOCX/WPS/XLS/XLSX or scans) -------------------
#: Download the files in item["attachments"] and read reports from them.
NIANBAO_ATTACHMENTS_ENABLED = os.environ.get("NIANBAO_ATTACHMENTS", "1") not in ("0", "false")
#: Folder keeping the downloaded originals (FilesPipeline layout: full/<sha1 of URL>.<ext>).
NIANBAO_ATTACHMENT_STORE = os.environ.get("NIANBAO_ATTACHMENT_STORE", "attachments")
#: Files larger than this are cancelled while downloading and refused when read (bytes).
NIANBAO_ATTACHMENT_MAX_BYTES = 50 * 1024 * 1024
#: Attachments fetched per report page (portals sometimes link dozens of unrelated files).
NIANBAO_ATTACHMENT_MAX_FILES = 10
#: Hosts besides the spider's allowed domains that attachments may come from (a portal's file
#: server or CDN); a link to any other host is refused as attachment_offsite.
NIANBAO_ATTACHMENT_HOSTS: list[str] = []
#: PDFs with more pages are refused (real annual reports have 3-40 pages).
NIANBAO_ATTACHMENT_MAX_PAGES = 200
#: Zip members (DOCX/XLSX) or PDF streams inflating past this are refused as bombs (bytes).
NIANBAO_ATTACHMENT_MAX_DECOMPRESSED = 300 * 1024 * 1024
#: Pages without a text layer read by OCR per file (0 turns OCR off) and their render DPI.
NIANBAO_ATTACHMENT_OCR_MAX_PAGES = 30
NIANBAO_ATTACHMENT_OCR_DPI = 150
#: LibreOffice binary for DOC/WPS/ET files ("" = soffice or libreoffice on PATH).
NIANBAO_SOFFICE = os.environ.get("NIANBAO_SOFFICE", "")
#: Seconds one LibreOffice conversion may take.
NIANBAO_ATTACHMENT_CONVERT_TIMEOUT = 120
#: Seconds reading one page's attachments may take (in a worker thread, off the reactor); past
#: it the page's own reading is stored with an attachment_timeout warning.
NIANBAO_ATTACHMENT_TIMEOUT = 600
#: Seconds parsing one page may take (in a worker thread); past it the page is stored with its
#: text, the spider's facts and a parse_timeout warning, and `nianbao reparse` can retry it.
NIANBAO_PARSE_TIMEOUT = 60
#: FilesPipeline keeps a stored file this many days before fetching it again.
FILES_EXPIRES = 90
#: Attachment links often redirect to a download servlet.
MEDIA_ALLOW_REDIRECTS = True

# --- Raw captures (WARC; see crawler/middlewares/warc.py) -----------------------------------
#: Folder of the WARC files every fetched response is kept in ("" turns capturing off).
NIANBAO_WARC_DIR = os.environ.get("NIANBAO_WARC_DIR", "warc")
#: A WARC file is closed and the next one begun past this size (bytes, gzip-compressed).
NIANBAO_WARC_MAX_BYTES = 100 * 1024 * 1024
#: Also capture responses replayed from cassettes (they are recorded already, so off).
NIANBAO_WARC_CAPTURE_REPLAYED = False
#: Answer every request from the captures in NIANBAO_WARC_DIR, never the network (reparse).
NIANBAO_WARC_REPLAY = False

# --- Cassettes (record / replay; see crawler/middlewares/cassette.py) -----------------------
#: Serve and record requests through vcrpy-format cassettes.
CASSETTE_ENABLED = False
#: Folder holding one sub-folder of cassettes per spider.
CASSETTE_DIR = str(PROJECT_ROOT / "cassettes")
#: vcrpy record mode: none (replay only), once, new_episodes or all.
CASSETTE_RECORD_MODE = "none"

#: Allow requests to loopback, private, link-local and other non-public addresses. Off: a page
#: could point the crawler at its own network (crawler/middlewares/addresses.py). The tests'
#: local servers and the simulated portals turn it on.
NIANBAO_ALLOW_PRIVATE_ADDRESSES = False

DOWNLOADER_MIDDLEWARES = {
    # Before the HTTP cache and the retry middleware, after robots.txt (100).
    "nianbao.crawler.middlewares.cassette.CassetteMiddleware": 120,
    # After the cassette (a replay needs no DNS): no request to a non-public address.
    "nianbao.crawler.middlewares.addresses.AddressGuardMiddleware": 130,
    # Scrapy's retry rules, with a back-off between attempts (Scrapy's own place, 550).
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "nianbao.crawler.middlewares.retry.BackoffRetryMiddleware": 550,
    # Next to the downloader: keeps the bytes as sent, before decompression and retries.
    "nianbao.crawler.middlewares.warc.WarcMiddleware": 960,
}

ITEM_PIPELINES = {
    "nianbao.pipelines.clean.CleanPipeline": 100,
    "nianbao.pipelines.parse.ParsePipeline": 200,
    "nianbao.pipelines.attachments_download.AttachmentDownloadPipeline": 210,
    "nianbao.pipelines.attachments.AttachmentsPipeline": 250,
    "nianbao.pipelines.validate.ValidatePipeline": 300,
    "nianbao.pipelines.store.StorePipeline": 900,
}

FEED_EXPORT_ENCODING = "utf-8"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_LEVEL = os.environ.get("NIANBAO_LOG_LEVEL", "INFO")

# --- Nightly operation (README "Nightly operation" and "Scale-out") -------------------------
ADDONS = {"nianbao.crawler.addon.NightlyAddon": 100}
#: Skip report pages the database holds unchanged: conditional requests with the validators
#: stored when the report was saved, no re-parse of an identical body (off when replaying).
NIANBAO_INCREMENTAL = os.environ.get("NIANBAO_INCREMENTAL", "1") not in ("0", "false")
#: List pages are cached with their validators and revalidated every night (If-None-Match /
#: If-Modified-Since); report pages are left to the seen-set above.
HTTPCACHE_ENABLED = True
HTTPCACHE_POLICY = "nianbao.crawler.httpcache.RevalidatingPolicy"
#: Relative paths are inside the project data folder (.scrapy/).
HTTPCACHE_DIR = os.environ.get("NIANBAO_CACHE_DIR", "httpcache")
HTTPCACHE_GZIP = True
#: Per-spider job directories (<dir>/<spider>): a crawl stopped by SIGTERM/Ctrl-C resumes;
#: "" turns pause/resume off. Relative paths are inside .scrapy/.
NIANBAO_JOBS_DIR = os.environ.get("NIANBAO_JOBS_DIR", "jobs")
#: List and report pages above this size are cancelled (attachments: DOWNLOAD_MAXSIZE).
NIANBAO_PAGE_MAXSIZE = 16 * 1024 * 1024
#: Failed attempts in a row after which a host is left alone for the night (0: never).
NIANBAO_HOST_FAILURE_LIMIT = 30
#: Progress display: auto (live line on a terminal, else log lines), live, log or off.
NIANBAO_PROGRESS = os.environ.get("NIANBAO_PROGRESS", "auto")
#: Seconds between progress log lines when not on a terminal.
NIANBAO_PROGRESS_INTERVAL = 60.0
#: File locked by `nianbao crawl --lock` so that two nightly runs never overlap.
NIANBAO_LOCK_FILE = os.environ.get("NIANBAO_LOCK_FILE", ".scrapy/nianbao-crawl.lock")
#: Flags: a spider's error rate is flagged when above this, and above twice its usual rate.
NIANBAO_ERROR_RATE_THRESHOLD = 0.2
#: Where flags are sent at the end of a run: a URL that receives a JSON POST, and/or e-mail
#: addresses (comma-separated) sent through NIANBAO_SMTP_URL (smtp://user:pass@host:port).
NIANBAO_ALERT_WEBHOOK = os.environ.get("NIANBAO_ALERT_WEBHOOK", "")
NIANBAO_ALERT_EMAIL = os.environ.get("NIANBAO_ALERT_EMAIL", "")
NIANBAO_SMTP_URL = os.environ.get("NIANBAO_SMTP_URL", "smtp://localhost:25")
NIANBAO_ALERT_FROM = os.environ.get("NIANBAO_ALERT_FROM", "nianbao@localhost")
#: Scale-out: a Redis URL turns on the shared scrapy-redis scheduler and duplicate filter.
NIANBAO_REDIS_URL = os.environ.get("NIANBAO_REDIS_URL", "")
#: Workers with the same run id share one queue (default: today's UTC date).
NIANBAO_RUN_ID = os.environ.get("NIANBAO_RUN_ID", "")
#: Seconds an idle worker waits for the other workers' new requests before it closes.
NIANBAO_REDIS_IDLE_WAIT = 30.0
#: Seconds a night's Redis keys live after its last worker closed.
NIANBAO_REDIS_TTL = 3 * 24 * 3600

DOWNLOADER_MIDDLEWARES |= {
    # Next to the downloader: sees every attempt before retries and the cache act on it.
    "nianbao.crawler.middlewares.faults.FaultMiddleware": 950,
    # Conditional report requests; before the HTTP cache (900) on the way out.
    "nianbao.crawler.middlewares.incremental.IncrementalMiddleware": 890,
    # After decompression (590) on the way in.
    "nianbao.crawler.middlewares.encoding.ChineseEncodingMiddleware": 585,
}
SPIDER_MIDDLEWARES = {"nianbao.crawler.middlewares.lists.ListPageMiddleware": 950}
EXTENSIONS = {
    # After Scrapy's SpiderState (0), which writes into the job directory on close.
    "nianbao.crawler.extensions.jobdir.JobDirGuard": 10,
    "nianbao.crawler.extensions.progress.Progress": 500,
    "nianbao.crawler.extensions.redis_idle.RedisWorkers": 500,
    "nianbao.crawler.extensions.monitor.RunMonitor": 600,
}
ITEM_PIPELINES |= {"nianbao.pipelines.seen.SeenPipeline": 950}
#: Id of the crawl_run row a spider's figures are recorded under (set by `nianbao crawl`;
#: 0 = a plain `scrapy crawl`, which records a run of its own).
NIANBAO_RUN_RECORD = 0
