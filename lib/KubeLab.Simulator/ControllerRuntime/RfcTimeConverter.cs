using System.Text.Json;
using System.Text.Json.Serialization;

namespace KubeLab.Simulator.ControllerRuntime;

/// <summary>
/// Reads the two time forms the API server writes (metav1.Time <c>2006-01-02T15:04:05Z</c>, metav1.MicroTime
/// <c>2006-01-02T15:04:05.000000Z</c>) straight from the UTF-8 bytes, and hands every other form to KubernetesClient's own
/// converter (offsets, nanoseconds, errors), so the values – and the exceptions – are the ones that converter gives. Its
/// DateTimeOffset.TryParseExact over a list of formats was 2–4 % of the worker threads' CPU at 10,000 pods (issue 7):
/// every pod carries about ten timestamps and each version is decoded by several informers.
/// </summary>
internal static class RfcTime
{
    /// <summary>Canonical UTC forms only: exactly 20 or 27 bytes, every digit and separator where Go's layout puts it.</summary>
    public static bool TryParseUtc(ReadOnlySpan<byte> s, out DateTime value)
    {
        value = default;
        if (s.Length is not (20 or 27) || s[^1] != (byte)'Z' || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':') return false;
        if (!Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day) ||
            !Digits(s, 11, 2, out var hour) || !Digits(s, 14, 2, out var minute) || !Digits(s, 17, 2, out var second)) return false;
        var micros = 0;
        if (s.Length == 27 && (s[19] != '.' || !Digits(s, 20, 6, out micros))) return false;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return false;
        value = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(micros * 10L);
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> s, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var d = s[i] - '0';
            if ((uint)d > 9) return false;
            value = value * 10 + d;
        }
        return true;
    }

    /// <summary>The canonical form's bytes, when the token holds them unescaped in one segment.</summary>
    public static bool TryRead(ref Utf8JsonReader reader, out DateTime value)
    {
        value = default;
        return reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && !reader.HasValueSequence && TryParseUtc(reader.ValueSpan, out value);
    }
}

/// <summary><see cref="RfcTime"/> for DateTime properties (most of k8s.Models), falling back to KubernetesClient's converter.</summary>
internal sealed class RfcDateTimeConverter(JsonConverter<DateTime> fallback) : JsonConverter<DateTime>
{
    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        RfcTime.TryRead(ref reader, out var value) ? value : fallback.Read(ref reader, typeToConvert, options);

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) => fallback.Write(writer, value, options);
}

/// <summary><see cref="RfcTime"/> for DateTimeOffset properties, falling back to KubernetesClient's converter.</summary>
internal sealed class RfcDateTimeOffsetConverter(JsonConverter<DateTimeOffset> fallback) : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        RfcTime.TryRead(ref reader, out var value) ? new DateTimeOffset(value) : fallback.Read(ref reader, typeToConvert, options);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => fallback.Write(writer, value, options);
}
