namespace KubeLab.Simulator.Api.Registry.Service;

/// <summary>
/// The default --service-node-port-range 30000-32767 (pkg/registry/core/service/portallocator). KEP-3668 (GA in 1.29) reserves a
/// static band of min(max(16, size/32), 128) = 86 ports (30000–30085): automatic allocation picks at random from 30086–32767
/// first and uses the static band only when that is full.
/// </summary>
public static class NodePortRange
{
    public const int Min = 30000;
    public const int Max = 32767;
    public const int Size = Max - Min + 1;
    public static int StaticBandSize => Math.Min(Math.Max(16, Size / 32), 128);
    public static string Text => $"{Min}-{Max}";

    public static bool Contains(long port) => port is >= Min and <= Max;

    public static int? AllocateNext(ISet<int> used, Random random)
    {
        var band = StaticBandSize;
        return Pick(Min + band, Max, used, random) ?? Pick(Min, Min + band - 1, used, random);
    }

    private static int? Pick(int from, int to, ISet<int> used, Random random)
    {
        var count = to - from + 1;
        var start = random.Next(count);
        for (var i = 0; i < count; i++)
        {
            var p = from + (start + i) % count;
            if (!used.Contains(p)) return p;
        }
        return null;
    }
}
