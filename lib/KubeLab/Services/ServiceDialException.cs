namespace KubeLab;

/// <summary>The client pod could not be asked to dial (not running agnhost netexec, not reachable) or refused the parameters.</summary>
public sealed class ServiceDialException(string message, string hint) : KubeLabException($"{message}\n  Hint: {hint}")
{
    public string Hint { get; } = hint;
}
