namespace KubeLab.Simulator.Runtime.Shell;

// Processes the shell starts besides simple commands: pipelines, background jobs, subshells.
internal sealed partial class Interpreter
{
    /// <summary>
    /// Runs <paramref name="body"/> in a copy of this shell. If <paramref name="kill"/> is cancelled while the shell itself
    /// lives on (a signal to that one process, SIGPIPE), the status is 128 + the signal number.
    /// </summary>
    public async Task<int> RunInSubshellAsync(Command body, ShellIo io, CancellationToken kill, Func<int> signal)
    {
        var sub = new Interpreter(State.Subshell(kill));
        try
        {
            var status = await sub.ExecuteAsync(body, io);
            // A program stopped by a signal reports 137 itself; the signal that was actually sent decides the status.
            return kill.IsCancellationRequested && !State.Kill.IsCancellationRequested ? 128 + signal() : status;
        }
        catch (ShellExitException e) { return e.Status; }
        catch (FunctionReturnException e) { return e.Status; }
        catch (LoopControlException) { return 0; }
        catch (ShellFatalException e)
        {
            await io.Err.WriteAsync(State.MessagePrefix() + e.Message + "\n", CancellationToken.None);
            return 2;
        }
        catch (OperationCanceledException) when (kill.IsCancellationRequested && !State.Kill.IsCancellationRequested)
        {
            return 128 + signal();
        }
    }

    /// <summary>
    /// <c>a | b | c</c>: every element runs at the same time in its own subshell (as ash forks each), connected by pipes;
    /// the status is the last element's. A writer whose reader has exited gets SIGPIPE on its next write.
    /// </summary>
    private async Task<int> RunPipelineAsync(Pipeline pipeline, ShellIo io)
    {
        var n = pipeline.Commands.Count;
        int status;
        if (n == 1) status = await ExecuteAsync(pipeline.Commands[0], io);
        else
        {
            var pipes = Enumerable.Range(0, n - 1).Select(_ => new Pipe()).ToArray();
            var writers = pipes.Select(p => new PipeWriter(p)).ToArray();
            var tasks = new Task<int>[n];
            var sources = new List<CancellationTokenSource>();
            for (var i = 0; i < n; i++)
            {
                var index = i;
                var cts = CancellationTokenSource.CreateLinkedTokenSource(State.Kill);
                sources.Add(cts);
                var signal = 9;
                if (i < n - 1) writers[i].BrokenPipe = () => { signal = 13; cts.Cancel(); };
                var elementIo = new ShellIo(i == 0 ? io.In : new LineInput(pipes[i - 1]), i == n - 1 ? io.Out : writers[i], io.Err);
                tasks[i] = Task.Run(async () =>
                {
                    try { return await RunInSubshellAsync(pipeline.Commands[index], elementIo, cts.Token, () => signal); }
                    finally
                    {
                        if (index < n - 1) pipes[index].Close();
                        if (index > 0) writers[index - 1].ReaderExited();
                    }
                });
            }
            try
            {
                await Task.WhenAll(tasks);
            }
            finally
            {
                foreach (var cts in sources) cts.Dispose();
            }
            status = tasks[^1].Result;
        }
        return pipeline.Negated ? (status == 0 ? 1 : 0) : status;
    }

    /// <summary>
    /// <c>cmd &amp;</c>: starts a job and goes on. A non-interactive shell gives it /dev/null as stdin (POSIX 2.9.3).
    /// </summary>
    private void StartBackground(Command command, ShellIo io)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(State.Kill);
        var signal = 9;
        var pid = ShellState.NewPid();
        var jobIo = State.Interactive ? io : io with { In = new LineInput(EmptyInput.Instance) };
        var task = Task.Run(() => RunInSubshellAsync(command, jobIo, cts.Token, () => signal));
        State.Jobs.Add(pid, task, cts, sig =>
        {
            if (task.IsCompleted) return false;
            signal = sig;
            cts.Cancel();
            return true;
        });
        State.LastBackgroundPid = pid;
    }
}
