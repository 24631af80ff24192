namespace KubeLab;

/// <summary>Reading what a container sees: a file's content and an environment variable, through exec (<c>cat</c>, <c>printenv</c>).</summary>
public sealed partial class Lab
{
    /// <summary>
    /// The content of <paramref name="path"/> inside a container of <paramref name="pod"/> (<c>kubectl exec POD -- cat PATH</c>).
    /// Throws <see cref="PodAccessException"/> naming the pod and the path when the file cannot be read (missing, a directory, no
    /// <c>cat</c> in the image).
    /// </summary>
    public async Task<string> ReadFileAsync(string pod, string path, string? container = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var r = await ExecAsync(pod, ["cat", path], container, ct: ct).ConfigureAwait(false);
        if (r.ExitCode == 0) return r.Stdout;
        throw new PodAccessException("read file", pod, container, null, (r.Stderr + r.Stdout).Trim(),
            $"`cat {path}` exited with {r.ExitCode} in pod {pod}: check the volumeMount's mountPath and the key (or items[].path) the file is named after.");
    }

    /// <summary>The value of an environment variable in a container's process environment (<c>printenv NAME</c>), null when unset.</summary>
    public async Task<string?> ReadEnvAsync(string pod, string name, string? container = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var r = await ExecAsync(pod, ["printenv", name], container, ct: ct).ConfigureAwait(false);
        return r.ExitCode == 0 ? r.Stdout.TrimEnd('\n') : null;
    }
}
