namespace Hark.Engines.Cpu;

/// <summary>A unit of parallel work: task indices are handed out dynamically, each runs exactly once.</summary>
internal interface ITeamJob
{
    /// <summary>Runs task <paramref name="task"/> on worker <paramref name="worker"/> (0 = the calling thread).</summary>
    void Execute(int task, int worker);
}

/// <summary>
/// A fixed set of worker threads that run <see cref="ITeamJob"/>s. Allocation-free per call (jobs are preallocated
/// objects), so the decode loop does not churn the GC. Which worker runs a task never changes what it computes:
/// results depend on how work is split into tasks, never on the thread count.
/// </summary>
internal sealed class ThreadTeam : IDisposable
{
    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _wake;
    private readonly ManualResetEventSlim _done = new(false, spinCount: 2000);
    private ITeamJob? _job;
    private int _taskCount;
    private int _next;
    private int _pending;
    private readonly int[] _sleeping;
    private int _generation;
    private int _helpers;
    private volatile bool _stopping;
    private Exception? _failure;

    public ThreadTeam(int size)
    {
        Size = Math.Max(1, size);
        _threads = new Thread[Size - 1];
        _wake = new SemaphoreSlim[Size - 1];
        _sleeping = new int[Size - 1];
        for (var i = 0; i < _threads.Length; i++)
        {
            _wake[i] = new SemaphoreSlim(0);
            var worker = i + 1;
            _threads[i] = new Thread(() => WorkerLoop(worker)) { IsBackground = true, Name = $"hark-cpu-{worker}" };
            _threads[i].Start();
        }
    }

    /// <summary>Threads, the caller included.</summary>
    public int Size { get; }

    /// <summary>Runs tasks 0..<paramref name="taskCount"/>-1 and returns when all are done. Not re-entrant.</summary>
    public void Run(ITeamJob job, int taskCount)
    {
        if (taskCount <= 0) return;
        var helpers = Math.Min(_threads.Length, taskCount - 1);
        if (helpers == 0)
        {
            for (var t = 0; t < taskCount; t++) job.Execute(t, 0);
            return;
        }
        _job = job;
        _taskCount = taskCount;
        _failure = null;
        Volatile.Write(ref _next, 0);
        Volatile.Write(ref _pending, helpers);
        _helpers = helpers;
        _done.Reset();
        Interlocked.Increment(ref _generation);
        // Workers spin briefly between ops (a decoder step is ~150 short ops), so most ops start without a kernel
        // wake-up; only a worker that went to sleep needs its semaphore.
        for (var i = 0; i < _wake.Length; i++)
        {
            if (Interlocked.Exchange(ref _sleeping[i], 0) == 1) _wake[i].Release();
        }
        try
        {
            Drain(0);
        }
        finally
        {
            _done.Wait();
            _job = null;
        }
        if (_failure is { } failure) throw new InvalidOperationException("a parallel task failed", failure);
    }

    private void Drain(int worker)
    {
        var job = _job!;
        int task;
        while ((task = Interlocked.Increment(ref _next) - 1) < _taskCount) job.Execute(task, worker);
    }

    private void WorkerLoop(int worker)
    {
        var seen = 0;
        while (true)
        {
            seen = AwaitGeneration(worker, seen);
            if (_stopping) return;
            if (worker > _helpers) continue;
            try
            {
                Drain(worker);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, e, null);
                Volatile.Write(ref _next, int.MaxValue / 2); // stop handing out tasks
            }
            if (Interlocked.Decrement(ref _pending) == 0) _done.Set();
        }
    }

    /// <summary>Spins up to <see cref="SpinTicks"/> for the next generation, then sleeps on the semaphore.</summary>
    private int AwaitGeneration(int worker, int seen)
    {
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        while (true)
        {
            var generation = Volatile.Read(ref _generation);
            if (generation != seen) return generation;
            if (System.Diagnostics.Stopwatch.GetTimestamp() - start > SpinTicks) break;
            Thread.SpinWait(16);
        }
        ref var sleeping = ref _sleeping[worker - 1];
        Interlocked.Exchange(ref sleeping, 1); // full fence: the flag must be visible before we re-read the generation
        var now = Volatile.Read(ref _generation);
        // A Run that started before we announced sleep may not have seen the flag: take it back if still ours,
        // otherwise that Run released the semaphore and we must consume the release.
        if (now != seen && Interlocked.Exchange(ref sleeping, 0) == 1) return now;
        _wake[worker - 1].Wait();
        return Volatile.Read(ref _generation);
    }

    /// <summary>How long an idle worker spins before sleeping: about 200 µs.</summary>
    private static readonly long SpinTicks = System.Diagnostics.Stopwatch.Frequency / 5000;

    public void Dispose()
    {
        _stopping = true;
        Interlocked.Increment(ref _generation);
        for (var i = 0; i < _sleeping.Length; i++) Interlocked.Exchange(ref _sleeping[i], 0);
        foreach (var w in _wake) w.Release();
        foreach (var t in _threads) t.Join();
        foreach (var w in _wake) w.Dispose();
        _done.Dispose();
    }
}
