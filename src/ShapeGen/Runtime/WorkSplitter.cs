using System;
using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace ShapeGen.Runtime;

/// <summary>
/// A range <c>[start, end)</c> of a generated kernel's work (output rows of one layer, or samples of a batch) over
/// three buffers. Generated code passes non-capturing lambdas, which the compiler caches: no allocation per call.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public delegate void RangeKernel(ref float source, ref float destination, ref float weights, int start, int end);

/// <summary>
/// Fork-join for generated Forward methods: splits <c>[0, count)</c> (a layer's output rows, or a batch's samples)
/// into contiguous chunks, runs them on the calling thread and on up to <c>degree − 1</c> pool threads of its own, and
/// returns when every chunk is done.
/// </summary>
/// <remarks>
/// <para>
/// The buffers are passed as references and pinned (<c>fixed</c>) for the duration of the call, so the helpers get
/// pointers back to exactly the caller's memory: its input and output spans, the pinned workspace and weights. That is
/// why generated code, which must not need <c>AllowUnsafeBlocks</c>, calls this instead of capturing spans.
/// </para>
/// <para>
/// Chunks are claimed one at a time (a compare-exchange on one 64-bit word), by the caller as well as by the helpers.
/// The caller therefore never waits for a helper that has not started: if the helpers are busy (other callers, or a
/// machine with other work) the caller claims every chunk itself and the call costs what the serial one does. It only
/// waits for chunks a helper has already claimed and is running.
/// </para>
/// <para>
/// No allocation after warm-up: each calling thread reuses one job object, the helpers are dedicated background
/// threads (created on first use, at most <see cref="Environment.ProcessorCount"/> − 1), which spin for
/// <see cref="SpinMicroseconds"/> after their last chunk before they block, so the next layer of the same forward pass
/// finds them awake. Safe for any number of concurrent callers; an exception in any chunk is rethrown to the caller
/// after every claimed chunk has finished.
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class WorkSplitter
{
    /// <summary>
    /// Chunks per participating thread. More than one, so that a helper that wakes late (or a core shared with another
    /// process) costs at most a chunk, not half of the work; few enough that each chunk keeps its rows' input in cache.
    /// </summary>
    public const int ChunksPerThread = 4;

    /// <summary>How long an idle helper keeps polling for work before it blocks (the gap between two split layers).</summary>
    public const int SpinMicroseconds = 200;

    /// <summary>The number of threads a degree of parallelism can use on this machine: 1 to <see cref="Environment.ProcessorCount"/>.</summary>
    public static int EffectiveDegree(int degreeOfParallelism)
        => degreeOfParallelism <= 1 ? 1 : Math.Min(degreeOfParallelism, Environment.ProcessorCount);

    /// <summary>
    /// Runs <paramref name="kernel"/> over the output rows <c>[0, <paramref name="rows"/>)</c> of one layer on up to
    /// <paramref name="degreeOfParallelism"/> threads (the caller is one of them), in up to <see cref="ChunksPerThread"/>
    /// contiguous chunks per thread; every chunk gets the same three references. Chunks never overlap and together
    /// cover every row exactly once.
    /// </summary>
    public static void SplitRows(int degreeOfParallelism, int rows, RangeKernel kernel, ref float source, ref float destination, ref float weights)
        => Run(degreeOfParallelism, rows, ChunksPerThread, kernel, ref source, ref destination, ref weights);

    /// <summary>
    /// <see cref="SplitRows(int, int, RangeKernel, ref float, ref float, ref float)"/> with a chosen number of chunks per
    /// thread: 1 for kernels that stream all of their weights once per call (larger than the core's cache), where every
    /// extra chunk would stream them again.
    /// </summary>
    public static void SplitRows(int degreeOfParallelism, int rows, int chunksPerThread, RangeKernel kernel, ref float source, ref float destination, ref float weights)
    {
        if (chunksPerThread < 1) throw new ArgumentOutOfRangeException(nameof(chunksPerThread), chunksPerThread, "At least one chunk per thread is needed.");
        Run(degreeOfParallelism, rows, chunksPerThread, kernel, ref source, ref destination, ref weights);
    }

    /// <summary>
    /// Runs two kernels over the same ranges of rows: each chunk runs <paramref name="kernel"/> from
    /// <paramref name="source"/> into <paramref name="middle"/>, then <paramref name="then"/> from <paramref name="middle"/>
    /// into <paramref name="destination"/>, on the same thread. For a second step (a pooling) whose rows read only what the
    /// first step's same rows wrote: one fork-join instead of two, and each thread reads what it just wrote, from its own cache.
    /// </summary>
    public static void SplitRows(int degreeOfParallelism, int rows, int chunksPerThread, RangeKernel kernel, RangeKernel then,
        ref float source, ref float middle, ref float destination, ref float weights)
    {
        if (chunksPerThread < 1) throw new ArgumentOutOfRangeException(nameof(chunksPerThread), chunksPerThread, "At least one chunk per thread is needed.");
        if (then is null) throw new ArgumentNullException(nameof(then));
        Run(degreeOfParallelism, rows, chunksPerThread, kernel, ref source, ref destination, ref weights, then: then, middle: ref middle);
    }

    /// <summary>
    /// Runs <paramref name="kernel"/> over the samples <c>[0, <paramref name="samples"/>)</c> of a batch on up to
    /// <paramref name="degreeOfParallelism"/> threads, one sample per chunk: a sample is long next to a claim, and
    /// single samples keep the threads' finishing times within one sample of each other.
    /// </summary>
    public static void SplitSamples(int degreeOfParallelism, int samples, RangeKernel kernel, ref float inputs, ref float outputs, ref float weights)
        => Run(degreeOfParallelism, samples, int.MaxValue, kernel, ref inputs, ref outputs, ref weights);

    /// <summary>
    /// <see cref="SplitSamples(int, int, RangeKernel, ref float, ref float, ref float)"/> in chunks of about
    /// <paramref name="samplesPerChunk"/> samples, for kernels that run several samples together (a batch's Dense layer
    /// over a group of samples reads its weights once for the group).
    /// </summary>
    public static void SplitSamples(int degreeOfParallelism, int samples, int samplesPerChunk, RangeKernel kernel, ref float inputs, ref float outputs, ref float weights)
    {
        if (samplesPerChunk < 1) throw new ArgumentOutOfRangeException(nameof(samplesPerChunk), samplesPerChunk, "At least one sample per chunk is needed.");
        Run(degreeOfParallelism, samples, int.MaxValue, kernel, ref inputs, ref outputs, ref weights, maxChunks: (int)(((long)samples + samplesPerChunk - 1) / samplesPerChunk));
    }

    private static void Run(int degreeOfParallelism, int count, int chunksPerThread, RangeKernel kernel, ref float source, ref float destination, ref float weights, int maxChunks = int.MaxValue)
        => Run(degreeOfParallelism, count, chunksPerThread, kernel, ref source, ref destination, ref weights, then: null, middle: ref destination, maxChunks);

    // Every range runs `kernel` from `source` into `middle`, then, if given, `then` from `middle` into `destination`;
    // without `then`, `middle` is `destination` itself.
    private static unsafe void Run(int degreeOfParallelism, int count, int chunksPerThread, RangeKernel kernel, ref float source, ref float destination, ref float weights,
        RangeKernel? then, ref float middle, int maxChunks = int.MaxValue)
    {
        if (kernel is null) throw new ArgumentNullException(nameof(kernel));
        if (count <= 0) return;
        int threads = Math.Min(EffectiveDegree(degreeOfParallelism), Math.Min(count, Math.Max(1, maxChunks)));
        Job job = t_job ??= new Job();
        if (threads <= 1 || job.Active)
        {
            // Serial, or a kernel that itself splits work on this thread: its job is in use, so run inline.
            kernel(ref source, ref middle, ref weights, 0, count);
            then?.Invoke(ref middle, ref destination, ref weights, 0, count);
            return;
        }
        int chunks = (int)Math.Min(Math.Min(count, (long)threads * chunksPerThread), maxChunks); // threads ≤ maxChunks
        fixed (float* s = &source)
        fixed (float* m = &middle)
        fixed (float* d = &destination)
        fixed (float* w = &weights)
        {
            job.Run(threads, count, chunks, kernel, then, s, m, d, w);
        }
    }

    /// <summary>
    /// Bytes the helper threads have allocated since they started, as of their last job or wake-up (each thread's
    /// <see cref="GC.GetAllocatedBytesForCurrentThread"/>): lets tests see that the helpers' side allocates nothing.
    /// </summary>
    internal static long HelperAllocatedBytes => Workers.Sum(static worker => worker.AllocatedBytes);

    /// <summary>Chunks the helper threads have run, as of their last job (for tests: did they take part?).</summary>
    internal static long HelperChunks => Workers.Sum(static worker => worker.Chunks);

    [ThreadStatic]
    private static Job? t_job;

    /// <summary>One calling thread's fork-join state, reused by every call it makes.</summary>
    /// <remarks>
    /// The chunks are dealt out in contiguous home segments, one per participant (the caller is participant 0, helper
    /// <c>i</c> is participant <c>i + 1</c>). A participant claims its own segment's chunks front to back, then steals
    /// from the back of the others'. When every thread keeps up, each one therefore runs the same share of rows in every
    /// layer (the caller the top rows, the helper the bottom ones), so a layer reads what the same core wrote in the
    /// layer before, from its own cache, instead of pulling half of it from the other core; a late or busy thread only
    /// costs the chunks someone steals.
    /// </remarks>
    private sealed unsafe class Job
    {
        // One 64-bit word per segment, a cache line apart (no false sharing between the participants' claims):
        // (back << 32) | front, the chunks [front, back) not yet claimed. Between calls every segment is empty, so nothing
        // can be claimed while the fields below are rewritten; a claim is a successful compare-exchange on the current
        // value, so a helper that read an old value can only ever claim a chunk of the call in progress.
        private const int SegmentStride = 8;
        private readonly long[] _segments = new long[Math.Max(1, Environment.ProcessorCount) * SegmentStride];
        private int _threads;
        private int _chunks;
        private int _pending;
        private Exception? _error;
        private RangeKernel? _kernel, _then;
        private float* _source, _middle, _destination, _weights;
        private int _count;

        public bool Active;

        public void Run(int threads, int count, int chunks, RangeKernel kernel, RangeKernel? then, float* source, float* middle, float* destination, float* weights)
        {
            Active = true;
            try
            {
                _kernel = kernel;
                _then = then;
                _source = source;
                _middle = middle;
                _destination = destination;
                _weights = weights;
                _count = count;
                _chunks = chunks;
                _threads = threads;
                _error = null;
                Volatile.Write(ref _pending, chunks);
                for (int t = 0; t < threads; t++)
                {
                    long front = (long)t * chunks / threads, back = (long)(t + 1) * chunks / threads;
                    Interlocked.Exchange(ref _segments[t * SegmentStride], back << 32 | front); // publishes the fields above
                }
                Workers.Request(this, threads - 1);
                Work(participant: 0);
                if (Volatile.Read(ref _pending) != 0)
                {
                    // Only chunks a helper is running are left: wait for them without ever sleeping a whole millisecond.
                    var spin = new SpinWait();
                    while (Volatile.Read(ref _pending) != 0) spin.SpinOnce(sleep1Threshold: -1);
                }
                _kernel = null;
                _then = null;
                if (_error is { } error)
                {
                    _error = null;
                    ExceptionDispatchInfo.Throw(error);
                }
            }
            finally
            {
                Active = false;
            }
        }

        /// <summary>
        /// Claims and runs chunks until none is left, its own segment's first; returns how many it ran. Never throws:
        /// failures are kept for the caller.
        /// </summary>
        public int Work(int participant)
        {
            int ran = 0;
            int threads = Volatile.Read(ref _threads);
            if (threads < 1) return 0;
            int home = participant % threads;
            for (int i = 0; i < threads; i++)
            {
                int segment = (home + i) % threads;
                int chunk;
                while ((chunk = Claim(segment, fromFront: i == 0)) >= 0)
                {
                    ran++;
                    // Claimed: until _pending drops, the caller is inside Run, so the fields and pins are this call's.
                    try
                    {
                        int start = (int)((long)chunk * _count / _chunks), end = (int)((long)(chunk + 1) * _count / _chunks);
                        _kernel!(ref Unsafe.AsRef<float>(_source), ref Unsafe.AsRef<float>(_middle), ref Unsafe.AsRef<float>(_weights), start, end);
                        _then?.Invoke(ref Unsafe.AsRef<float>(_middle), ref Unsafe.AsRef<float>(_destination), ref Unsafe.AsRef<float>(_weights), start, end);
                    }
                    catch (Exception exception)
                    {
                        Interlocked.CompareExchange(ref _error, exception, null);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref _pending);
                    }
                }
            }
            return ran;
        }

        /// <summary>Takes the next chunk of a segment from its front (the owner) or its back (a thief); −1 when it is empty.</summary>
        private int Claim(int segment, bool fromFront)
        {
            ref long state = ref _segments[segment * SegmentStride];
            while (true)
            {
                long current = Volatile.Read(ref state);
                int front = (int)current, back = (int)(current >> 32);
                if (front >= back) return -1;
                long next = fromFront ? current + 1 : current - (1L << 32);
                if (Interlocked.CompareExchange(ref state, next, current) == current) return fromFront ? front : back - 1;
            }
        }
    }

    /// <summary>The helper threads, shared by every network and caller in the process.</summary>
    private static class Workers
    {
        private static Worker[] s_workers = Array.Empty<Worker>();
        private static readonly object s_lock = new();

        /// <summary>Hands <paramref name="job"/> to up to <paramref name="helpers"/> idle helpers (fewer if they are busy).</summary>
        public static void Request(Job job, int helpers)
        {
            Worker[] workers = Volatile.Read(ref s_workers);
            if (workers.Length < helpers) workers = Grow(helpers);
            for (int i = 0; i < workers.Length && helpers > 0; i++)
            {
                if (workers[i].TryGive(job)) helpers--;
            }
        }

        public static long Sum(Func<Worker, long> value)
        {
            long total = 0;
            foreach (Worker worker in Volatile.Read(ref s_workers)) total += value(worker);
            return total;
        }

        private static Worker[] Grow(int helpers)
        {
            lock (s_lock)
            {
                int wanted = Math.Min(helpers, Environment.ProcessorCount - 1);
                if (s_workers.Length >= wanted) return s_workers;
                var workers = new Worker[wanted];
                Array.Copy(s_workers, workers, s_workers.Length);
                for (int i = s_workers.Length; i < wanted; i++) workers[i] = new Worker(i);
                Volatile.Write(ref s_workers, workers);
                return workers;
            }
        }
    }

    private sealed class Worker
    {
        private static readonly long s_spinTicks = Math.Max(1, Stopwatch.Frequency * SpinMicroseconds / 1_000_000);

        private readonly int _participant;
        private Job? _job;
        private int _busy;
        private Job? _current;
        private int _sleeping;
        private readonly SemaphoreSlim _wake = new(0);
        private long _allocated, _chunks;

        public long AllocatedBytes => Volatile.Read(ref _allocated);

        public long Chunks => Volatile.Read(ref _chunks);

        public Worker(int index)
        {
            _participant = index + 1; // the caller is participant 0
            var thread = new Thread(Loop) { IsBackground = true, Name = "ShapeGen worker " + index };
            thread.Start();
        }

        /// <summary>
        /// Gives the worker <paramref name="job"/> unless it already has one waiting or is busy with another caller's.
        /// Busy with this caller's job means it is finishing the caller's previous fork and is about to be free.
        /// </summary>
        public bool TryGive(Job job)
        {
            if (Volatile.Read(ref _busy) != 0 && Volatile.Read(ref _current) != job) return false;
            if (Interlocked.CompareExchange(ref _job, job, null) != null) return false;
            // Full fences on both sides (the exchange above, the worker's exchange of _sleeping before it re-reads
            // _job): either the worker sees the job, or this sees it going to sleep and wakes it.
            if (Interlocked.Exchange(ref _sleeping, 0) != 0) _wake.Release();
            return true;
        }

        private void Loop()
        {
            long spinUntil = Stopwatch.GetTimestamp() + s_spinTicks;
            int polls = 0;
            while (true)
            {
                if (Volatile.Read(ref _job) != null)
                {
                    Volatile.Write(ref _busy, 1);
                    Job? job = Interlocked.Exchange(ref _job, null);
                    Volatile.Write(ref _current, job);
                    int chunks = job?.Work(_participant) ?? 0;
                    Volatile.Write(ref _busy, 0);
                    Volatile.Write(ref _chunks, _chunks + chunks);
                    Volatile.Write(ref _allocated, GC.GetAllocatedBytesForCurrentThread());
                    spinUntil = Stopwatch.GetTimestamp() + s_spinTicks;
                    polls = 0;
                    continue;
                }
                if (Stopwatch.GetTimestamp() < spinUntil)
                {
                    // Let another thread on this core run now and then (a busy machine, more callers than cores).
                    if (++polls % 64 == 0) Thread.Yield();
                    else Thread.SpinWait(8);
                    continue;
                }
                Interlocked.Exchange(ref _sleeping, 1);
                if (Volatile.Read(ref _job) == null) _wake.Wait();
                Volatile.Write(ref _sleeping, 0);
                Volatile.Write(ref _allocated, GC.GetAllocatedBytesForCurrentThread());
                spinUntil = Stopwatch.GetTimestamp() + s_spinTicks;
                polls = 0;
            }
        }
    }
}
