#!/usr/bin/env python3
"""Prints what a crashed .NET process was doing, from the crash reports the runtime writes next to its dump.

test.sh runs the tests with DOTNET_EnableCrashReport=1, so a test host that dies in native code (a GC crash, an access
violation) leaves <dump>.crashreport.json behind. CI shows only the end of the output, so this prints, for each report:
the faulting thread's managed frames, then the top managed frame of every other thread (what ran beside it).

Usage: print-crash-reports.py REPORT.json...
"""
import json
import sys


def managed(thread):
    return [f.get("method_name") or "?" for f in thread.get("stack_frames", []) if str(f.get("is_managed")).lower() == "true"]


for path in sys.argv[1:]:
    try:
        with open(path) as file:
            payload = json.load(file)["payload"]
    except (OSError, ValueError, KeyError) as error:
        print(f"  {path}: unreadable crash report ({error})")
        continue
    print(f"  crash report {path} (runtime {payload.get('configuration', {}).get('version', '?').strip()}):")
    threads = payload.get("threads", [])
    for thread in threads:
        if str(thread.get("crashed")).lower() == "true":
            print(f"    faulting thread {thread.get('native_thread_id')}:")
            for frame in managed(thread)[:15] or ["(no managed frames)"]:
                print(f"      {frame[:160]}")
    busy = [(t.get("native_thread_id"), managed(t)) for t in threads if str(t.get("crashed")).lower() != "true"]
    print("    other threads (top managed frame):")
    for thread_id, frames in busy:
        top = next((f for f in frames if f != "?"), None)
        if top:
            print(f"      {thread_id}: {top[:150]}")
