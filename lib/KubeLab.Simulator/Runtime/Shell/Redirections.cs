using KubeLab.Simulator.Runtime.Filesystem;

namespace KubeLab.Simulator.Runtime.Shell;

/// <summary>
/// Applies <c>&gt; &gt;&gt; &lt; &gt;| &lt;&gt; n&gt;&amp;m n&gt;&amp;-</c> in order, for fds 0–2. Failures print ash's texts
/// (shell/ash.c openredirect: "can't create %s: nonexistent directory", "can't open %s: no such file", else strerror)
/// and give status 1 (ash's redirectsafe).
/// </summary>
internal static class Redirections
{
    /// <returns>The streams to run with, or null after reporting an error.</returns>
    public static async Task<ShellIo?> ApplyAsync(Interpreter shell, IReadOnlyList<Redirection> redirections, ShellIo io)
    {
        var state = shell.State;
        foreach (var r in redirections)
        {
            var fd = r.TargetFd;
            var target = await shell.Expander.StringAsync(r.Target, io);
            if (fd > 2)
            {
                await Fail($"{fd}{r.Op}{target}: file descriptors above 2 are not implemented in the simulator's shell");
                return null;
            }
            try
            {
                if (r.Op is ">&" or "<&")
                {
                    if (target == "-") io = Set(io, fd, output: NullOutput.Instance, input: EmptyInput.Instance);
                    else if (target is "0" or "1" or "2")
                        io = target == "0" ? io with { In = io.In } : Set(io, fd, output: target == "1" ? io.Out : io.Err, input: io.In);
                    else { await Fail($"{target}: Bad file descriptor"); return null; }
                    continue;
                }
                var path = ContainerFileSystem.Combine(state.WorkingDirectory, target);
                if (r.Op is "<" or "<>")
                {
                    IInputStream input = target switch
                    {
                        "/dev/null" => EmptyInput.Instance,
                        "/dev/stdin" => io.In,
                        _ => new TextInput(state.Process.Files.ReadAllText(path)),
                    };
                    io = Set(io, fd, output: null, input: new LineInput(input));
                    continue;
                }
                IOutputStream output = target switch
                {
                    "/dev/null" => NullOutput.Instance,
                    "/dev/stdout" => io.Out,
                    "/dev/stderr" => io.Err,
                    _ => new FileOutput(state.Process.Files.WriteFile(path, [], append: r.Op == ">>"), state.Process.Time),
                };
                io = Set(io, fd, output, input: null);
            }
            catch (FileSystemException e)
            {
                var reading = r.Op == "<";
                var reason = e.Error == FileSystemException.NoSuchFile || e.Error == FileSystemException.NotADirectory
                    ? (reading ? "no such file" : "nonexistent directory")
                    : e.Error;
                await Fail($"can't {(reading ? "open" : "create")} {target}: {reason}");
                return null;
            }
        }
        return io;

        Task Fail(string message) => io.Err.WriteAsync(state.MessagePrefix() + message + "\n", state.Kill).AsTask();
    }

    private static ShellIo Set(ShellIo io, int fd, IOutputStream? output, IInputStream? input) => fd switch
    {
        0 => input is null ? io : io with { In = LineInput.Of(input) },
        1 => output is null ? io : io with { Out = output },
        _ => output is null ? io : io with { Err = output },
    };
}
