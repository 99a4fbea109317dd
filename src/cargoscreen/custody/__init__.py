"""Custody of seized drugs: seizures, evidence bags, transfers, destruction planning and the hash-chained ledger."""
