"""Scanner scheduling: which scanner scans which selected container when (FIFO, greedy, CP-SAT, rolling)."""
