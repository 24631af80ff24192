using System.Globalization;

namespace KubeLab.Simulator.Metrics;

/// <summary>Quantities written the way metrics-server's canonical resource.Quantity prints them.</summary>
public static class Quantities
{
    /// <summary>CPU from nanocores: the largest exact unit of "", m, u, n (e.g. <c>250m</c>, <c>1234567n</c>).</summary>
    public static string Cpu(double millicores)
    {
        var nano = (long)Math.Round(millicores * 1_000_000);
        if (nano == 0) return "0";
        if (nano % 1_000_000_000 == 0) return (nano / 1_000_000_000).ToString(CultureInfo.InvariantCulture);
        if (nano % 1_000_000 == 0) return (nano / 1_000_000).ToString(CultureInfo.InvariantCulture) + "m";
        if (nano % 1_000 == 0) return (nano / 1_000).ToString(CultureInfo.InvariantCulture) + "u";
        return nano.ToString(CultureInfo.InvariantCulture) + "n";
    }

    /// <summary>Memory in bytes with the largest exact binary suffix (Ki, Mi, Gi).</summary>
    public static string Memory(long bytes)
    {
        string[] suffixes = ["", "Ki", "Mi", "Gi", "Ti"];
        var i = 0;
        while (i + 1 < suffixes.Length && bytes != 0 && bytes % 1024 == 0) { bytes /= 1024; i++; }
        return bytes.ToString(CultureInfo.InvariantCulture) + suffixes[i];
    }
}
