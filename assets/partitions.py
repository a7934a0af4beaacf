"""Fiscal years as Dagster partitions: one partition per year, all its documents in one run."""

import dagster as dg

# One partition per calendar year since 2010; a year's partition exists once the year is over,
# which is when its final accounts can be published.
fiscal_years = dg.TimeWindowPartitionsDefinition(cron_schedule="0 0 1 1 *", start="2010", fmt="%Y")
