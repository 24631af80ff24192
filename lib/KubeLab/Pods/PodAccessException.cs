namespace KubeLab;

/// <summary>
/// Reading logs from, or running a command in, a pod's container failed. <see cref="ServerMessage"/> is the API server's own
/// text (what kubectl would print); the message adds what the pod's containers are doing and what to try instead.
/// </summary>
public sealed class PodAccessException(string operation, string pod, string? container, int? statusCode, string serverMessage, string hint,
    Exception? inner = null)
    : KubeLabException(Compose(operation, pod, container, statusCode, serverMessage, hint), inner)
{
    /// <summary>"logs", "exec" or "proxy".</summary>
    public string Operation { get; } = operation;
    public string Pod { get; } = pod;
    public string? Container { get; } = container;
    /// <summary>The HTTP status of the API server's answer, null when none came (e.g. the connection broke).</summary>
    public int? StatusCode { get; } = statusCode;
    public string ServerMessage { get; } = serverMessage;
    public string Hint { get; } = hint;

    private static string Compose(string operation, string pod, string? container, int? statusCode, string serverMessage, string hint)
    {
        var target = container is null ? $"pod {pod}" : $"container {container} of pod {pod}";
        var answer = statusCode is null ? serverMessage : $"the API server answered {statusCode}: {serverMessage}";
        return $"{operation} on {target} failed: {answer}\n  Hint: {hint}";
    }
}
