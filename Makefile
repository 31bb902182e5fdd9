# The two commands of the README, and the stack's day-to-day verbs. Each target installs what it needs.
.PHONY: demo test start stop status install bench lint

demo:        ## the portal on http://127.0.0.1:5000 with the demo data
	bash scripts/demo.sh

test:        ## the whole test suite against the real services
	bash scripts/test.sh

start:
	bash scripts/stack.sh start

stop:
	bash scripts/stack.sh stop

status:
	bash scripts/stack.sh status

install:
	bash scripts/stack.sh install

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .
