"""Kernel benchmark: start-to-ready and the `1+1` round trip, for the C# kernel and Debian's
ipykernel, driven by the same jupyter_client code in the same run.

    dotnet run -c Release --project bench/Attend.Bench -- kernel      (installs the kernelspec first)
    python3 bench/kernel/bench_kernel.py [--starts N] [--executions N] [--kernels a,b]
"""
import argparse
import os
import resource
import statistics
import time

from jupyter_client.manager import start_new_kernel


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def measure(kernel, starts, executions):
    ready, first = [], []
    for _ in range(starts):
        t0 = time.perf_counter()
        km, kc = start_new_kernel(kernel_name=kernel, startup_timeout=120)
        ready.append(time.perf_counter() - t0)
        t1 = time.perf_counter()   # the first trivial cell right after the kernel is ready
        kc.execute_interactive("1+1", timeout=60, output_hook=lambda m: None)
        first.append(time.perf_counter() - t1)
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    km, kc = start_new_kernel(kernel_name=kernel, startup_timeout=120)
    try:
        for _ in range(10):   # warm-up: first compilations, imports
            kc.execute_interactive("1+1", timeout=60, output_hook=lambda m: None)
        trips = []
        for _ in range(executions):
            t0 = time.perf_counter()
            reply = kc.execute_interactive("1+1", timeout=60, output_hook=lambda m: None)
            trips.append(time.perf_counter() - t0)
            assert reply["content"]["status"] == "ok", reply["content"]
        rss = rss_mb(km.provisioner.process.pid)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return ready, first, trips, rss


def measure_reference(kernel, repo, runs):
    """`#r "../lib/Attend"` in a fresh kernel started in notebooks/, once to build if needed, then
    `runs` times with the library up to date; and the setup call after it (TorchSetup.Init)."""
    reference, setup = [], []
    for i in range(runs + 1):
        km, kc = start_new_kernel(kernel_name=kernel, startup_timeout=120, cwd=os.path.join(repo, "notebooks"))
        try:
            t0 = time.perf_counter()
            reply = kc.execute_interactive('#r "../lib/Attend"', timeout=900, output_hook=lambda m: None)
            t1 = time.perf_counter()
            assert reply["content"]["status"] == "ok", reply["content"]
            reply = kc.execute_interactive("Attend.Runtime.TorchSetup.Init(0, quiet: true);", timeout=300, output_hook=lambda m: None)
            assert reply["content"]["status"] == "ok", reply["content"]
            if i > 0:
                reference.append(t1 - t0)
                setup.append(time.perf_counter() - t1)
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
    return reference, setup


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--starts", type=int, default=5)
    ap.add_argument("--executions", type=int, default=100)
    ap.add_argument("--kernels", default="attend-csharp,python3")
    ap.add_argument("--reference-runs", type=int, default=3)
    a = ap.parse_args()
    rows = {}
    for k in a.kernels.split(","):
        ready, first, trips, rss = measure(k, a.starts, a.executions)
        rows[k] = (min(ready), statistics.median(ready), statistics.median(first), min(trips), statistics.median(trips), rss)
    print(f"kernel benchmark: {a.starts} starts, {a.executions} executions of `1+1` (after 10 warm-up), jupyter_client")
    print(f"{'kernel':<16}{'ready min s':>12}{'ready med s':>12}{'first med s':>12}{'1+1 min ms':>12}{'1+1 med ms':>12}{'RSS MB':>9}")
    for k, (rmin, rmed, fmed, tmin, tmed, rss) in rows.items():
        print(f"{k:<16}{rmin:>12.2f}{rmed:>12.2f}{fmed:>12.3f}{tmin * 1e3:>12.2f}{tmed * 1e3:>12.2f}{rss:>9.0f}")
    names = list(rows)
    if len(names) == 2:
        a_, b_ = rows[names[0]], rows[names[1]]
        print(f"ratio {names[0]}/{names[1]} (medians): start-to-ready {a_[1] / b_[1]:.2f}x, "
              f"start-to-first-result {(a_[1] + a_[2]) / (b_[1] + b_[2]):.2f}x, 1+1 round trip {a_[4] / b_[4]:.2f}x")
    if "attend-csharp" in rows and a.reference_runs > 0:
        repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        reference, setup = measure_reference("attend-csharp", repo, a.reference_runs)
        print(f'#r "../lib/Attend" with the library up to date, fresh kernel: min {min(reference):.2f} s, '
              f"median {statistics.median(reference):.2f} s ({len(reference)} runs); "
              f"then TorchSetup.Init: median {statistics.median(setup):.2f} s")


if __name__ == "__main__":
    main()
