# Zhengxie — two commands do all set-up on a fresh Debian 12 machine:
#   make demo   runs the platform with demo data (SQLite by default; DATABASE_URL and PORT are honoured)
#   make test   runs the whole test suite, browser tests included (DATABASE_URL selects PostgreSQL)
.PHONY: demo test lint format migrations-check deploy-check assets messages bench-district

demo:
	./scripts/bootstrap.sh
	./scripts/demo.sh

test:
	./scripts/bootstrap.sh --test
	.venv/bin/python -m pytest $(PYTEST_ARGS)

lint:
	./scripts/bootstrap.sh --test
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports

format:
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

migrations-check:
	.venv/bin/python manage.py makemigrations --check --dry-run

deploy-check:
	ZHENGXIE_ENV=production DJANGO_SECRET_KEY=$$(.venv/bin/python -c "import secrets;print(secrets.token_urlsafe(50))") \
	ZHENGXIE_FIELD_KEYS=k1:$$(.venv/bin/python -c "import base64,os;print(base64.b64encode(os.urandom(32)).decode())") \
	ZHENGXIE_HASH_KEY=$$(.venv/bin/python -c "import secrets;print(secrets.token_urlsafe(32))") \
	DJANGO_ALLOWED_HOSTS=zhengxie.example.org \
	.venv/bin/python manage.py check --deploy --fail-level WARNING

# Re-vendor the front-end assets from npm (needs Node); the result is committed.
assets:
	./scripts/vendor_assets.sh

# Extract and compile the translations (zh-Hans source strings, English catalogue).
messages:
	.venv/bin/python manage.py makemessages -l en --ignore=.venv --ignore=node_modules --ignore=var
	.venv/bin/python manage.py compilemessages -l en --ignore=.venv

bench-district:
	./scripts/bootstrap.sh --test
	.venv/bin/python bench/generate.py --tier district --database-url sqlite:///var/bench-district.sqlite3
	.venv/bin/python bench/run.py --database-url sqlite:///var/bench-district.sqlite3
