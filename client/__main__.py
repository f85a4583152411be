"""`python -m client`: see `client.cli`."""

from .cli import main
from .process_exit import exit_process

exit_process(main())
