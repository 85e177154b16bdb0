"""Personal-data protection and access: accounts and permissions, the audit trail, identity
codes, field sealing, keys, retention, key rotation, and the 国密 SM4 cipher."""
