"""What the administrator-never-reads-content test builds and walks (tests/test_admin_never_sees_content.py)."""
