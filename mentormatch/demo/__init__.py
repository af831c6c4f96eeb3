"""Demo data, never real people: ``generator`` draws synthetic mentees and mentors from the
shares in ``tables``; ``seeding`` writes the demo logins and those people to the database
(`mentormatch seed-demo`, the benchmarks and the load test)."""
