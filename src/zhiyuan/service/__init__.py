"""Service hours: check-in and check-out, service records with corrections, approval,
certificates and star levels (志愿服务记录与证明)."""
