"""Every check the project runs, for the `checks` resource: one place to list them."""

from juesuan.checks import identities, narrative
from juesuan.compare import prior_year

ALL_CHECKS = (*identities.CHECKS, *narrative.CHECKS, *prior_year.CHECKS)
