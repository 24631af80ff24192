namespace KubeLab;

/// <summary>Base of every error KubeLab raises on purpose; the message always says what to do next.</summary>
public abstract class KubeLabException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The chosen kube context is not a course cluster and the caller did not opt in.</summary>
public sealed class ClusterGuardException(string context, string message) : KubeLabException(message)
{
    public string Context { get; } = context;
}

/// <summary>The cluster did not answer (wrong port, cluster stopped, TLS problem, …).</summary>
public sealed class ClusterUnreachableException(string context, string server, string message, Exception? inner = null)
    : KubeLabException(message, inner)
{
    public string Context { get; } = context;
    public string Server { get; } = server;
}

/// <summary>Kubeconfig missing, unreadable, or without the requested context.</summary>
public sealed class KubeconfigException(string message, Exception? inner = null) : KubeLabException(message, inner);

/// <summary>A WaitFor* helper gave up; the message explains what the pods were doing and the latest events.</summary>
public sealed class WaitTimeoutException(string description, TimeSpan timeout, string diagnostics)
    : KubeLabException($"Timed out after {timeout.TotalSeconds:0.#}s waiting for {description}.\n{diagnostics}")
{
    public string Description { get; } = description;
    public TimeSpan Timeout { get; } = timeout;
    public string Diagnostics { get; } = diagnostics;
}

/// <summary>Thrown by <see cref="Check.Require"/> when an observation does not hold.</summary>
public sealed class CheckFailedException(string what, string hint) : KubeLabException($"✗ {what} — Hint: {hint}")
{
    public string What { get; } = what;
    public string Hint { get; } = hint;
}
