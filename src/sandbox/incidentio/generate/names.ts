// Word pools for realistic-looking records. Every person, team and service here is invented.

export const FIRST_NAMES = [
  "Alice", "Bob", "Chidi", "Dana", "Emeka", "Farah", "Gustavo", "Hana", "Ibrahim", "Jia",
  "Kofi", "Lena", "Mateo", "Nadia", "Oskar", "Priya", "Quinn", "Rosa", "Sami", "Tomasz",
  "Uma", "Viktor", "Wen", "Xavier", "Yara", "Zoltan", "Aiko", "Bruno", "Camille", "Dmitri",
  "Elif", "Finn", "Greta", "Hugo", "Ines", "Jonas", "Kemi", "Luca", "Maya", "Nils",
] as const;

export const LAST_NAMES = [
  "Ng", "Osei", "Okafor", "Larsen", "Nwosu", "Haddad", "Pereira", "Sato", "Rahman", "Li",
  "Mensah", "Vogel", "Garcia", "Petrova", "Berg", "Iyer", "Murphy", "Alvarez", "Khan", "Nowak",
  "Patel", "Horvath", "Zhang", "Dubois", "Costa", "Kovacs", "Tanaka", "Rossi", "Moreau", "Ivanov",
  "Yilmaz", "Lindqvist", "Schmidt", "Laurent", "Silva", "Weber", "Adeyemi", "Bianchi", "Reddy", "Holm",
] as const;

export const TEAM_NAMES = [
  "Payments", "Platform", "Identity", "Data", "Mobile", "Search", "Growth", "SRE",
  "Checkout", "Billing", "Infrastructure", "Security", "Messaging", "Storage", "Frontend", "Observability",
] as const;

export const SERVICE_WORDS = [
  "payments", "ledger", "auth", "login", "search", "checkout", "billing", "notifications",
  "gateway", "inventory", "orders", "catalog", "profile", "reports", "media", "webhooks",
] as const;

export const SERVICE_SUFFIXES = ["api", "worker", "db", "web", "queue", "cache", "proxy", "cron"] as const;

export const CATALOG_TYPE_NAMES = [
  "Service", "Product", "Feature", "Customer", "Environment", "Region", "Repository", "Database",
  "Queue", "Vendor", "Office", "Cluster",
] as const;

export const INCIDENT_SUBJECTS = [
  "latency", "error rate", "outage", "degraded performance", "elevated 5xx", "timeouts",
  "failed deploys", "queue backlog", "certificate expiry", "disk pressure", "memory leak", "data delay",
] as const;

export const ALERT_TITLES = [
  "HighLatency", "ErrorRateHigh", "PodCrashLooping", "DiskUsageHigh", "CertificateExpiring",
  "QueueDepthHigh", "ReplicaLagHigh", "HeartbeatMissing", "SLOBurnRateFast", "CPUThrottling",
] as const;

export const FOLLOW_UP_VERBS = ["Add", "Fix", "Document", "Automate", "Review", "Alert on", "Rotate", "Load-test"] as const;

export const FOLLOW_UP_OBJECTS = [
  "p99 latency SLO", "runbook for failover", "credential rotation", "retry budget", "dashboard panels",
  "on-call handover notes", "database connection limits", "rollback procedure",
] as const;

export const TIMEZONES = ["Europe/London", "America/New_York", "America/Los_Angeles", "Europe/Berlin", "Asia/Tokyo", "Australia/Sydney", "UTC"] as const;

export const LABELS = ["monitoring", "process", "infra", "docs", "security", "customer"] as const;

export const TIERS = ["tier-1", "tier-2", "tier-3"] as const;

export const ENVIRONMENTS = ["production", "staging", "development"] as const;
