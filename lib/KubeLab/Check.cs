namespace KubeLab;

/// <summary>Friendly exercise checks: "✓ what" or "✗ what — Hint: hint".</summary>
public static class Check
{
    /// <summary>Prints the outcome and returns <paramref name="ok"/>.</summary>
    public static bool That(bool ok, string what, string hint)
    {
        Console.WriteLine(ok ? $"✓ {what}" : $"✗ {what} — Hint: {hint}");
        return ok;
    }

    /// <summary>Like <see cref="That"/>, but throws <see cref="CheckFailedException"/> when the check fails.</summary>
    public static void Require(bool ok, string what, string hint)
    {
        if (!That(ok, what, hint)) throw new CheckFailedException(what, hint);
    }
}
