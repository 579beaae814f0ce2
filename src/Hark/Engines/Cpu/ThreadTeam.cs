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
    private volatile bool _stopping;
    private Exception? _failure;

    public ThreadTeam(int size)
    {
        Size = Math.Max(1, size);
        _threads = new Thread[Size - 1];
        _wake = new SemaphoreSlim[Size - 1];
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
        _done.Reset();
        for (var i = 0; i < helpers; i++) _wake[i].Release();
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
        var wake = _wake[worker - 1];
        while (true)
        {
            wake.Wait();
            if (_stopping) return;
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

    public void Dispose()
    {
        _stopping = true;
        foreach (var w in _wake) w.Release();
        foreach (var t in _threads) t.Join();
        foreach (var w in _wake) w.Dispose();
        _done.Dispose();
    }
}
