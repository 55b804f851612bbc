using System.Globalization;
using System.Text;

namespace PostingConsole.Tests.TestInfrastructure;

/// <summary>One sample of a scrape: its metric name, labels and value.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public bool Has(params (string Label, string Value)[] labels) => labels.All(l => Labels.TryGetValue(l.Label, out var v) && v == l.Value);
}

/// <summary>
/// A parser of Prometheus' text exposition format (version 0.0.4, what <c>/metrics</c> serves): <c># HELP</c> and <c># TYPE</c>
/// lines, samples <c>name{label="value",…} value [timestamp]</c> with the format's escapes in label values (<c>\\</c>, <c>\"</c>,
/// <c>\n</c>), and the special values <c>NaN</c>, <c>+Inf</c>, <c>-Inf</c>. A line it cannot read fails the parse, naming it.
/// </summary>
public sealed class PrometheusText
{
    private PrometheusText(IReadOnlyList<PrometheusSample> samples, IReadOnlyDictionary<string, string> types)
    {
        Samples = samples;
        Types = types;
    }

    public IReadOnlyList<PrometheusSample> Samples { get; }

    /// <summary>Each metric family's type (<c>counter</c>, <c>gauge</c>, <c>histogram</c>, …) from its <c># TYPE</c> line.</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    public IEnumerable<PrometheusSample> Named(string name) => Samples.Where(s => s.Name == name);

    /// <summary>The one sample of <paramref name="name"/> with these labels (others may be present); fails when there is none or several.</summary>
    public double Value(string name, params (string Label, string Value)[] labels)
    {
        var found = Named(name).Where(s => s.Has(labels)).ToList();
        return found.Count == 1 ? found[0].Value
            : throw new InvalidOperationException($"{found.Count} samples of {name} with {string.Join(",", labels.Select(l => $"{l.Label}={l.Value}"))}");
    }

    /// <summary>The sum of the samples of <paramref name="name"/> with these labels (0 when none).</summary>
    public double Sum(string name, params (string Label, string Value)[] labels) => Named(name).Where(s => s.Has(labels)).Sum(s => s.Value);

    public static PrometheusText Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        var types = new Dictionary<string, string>();
        foreach (var (raw, number) in text.Split('\n').Select((line, i) => (line.TrimEnd('\r'), i + 1)))
        {
            var line = raw.Trim();
            if (line.Length == 0) continue;
            if (line.StartsWith('#'))
            {
                var parts = line.Split(' ', 4, StringSplitOptions.RemoveEmptyEntries);
                if (parts is ["#", "TYPE", var family, var type]) types[family] = type;
                continue;
            }

            try
            {
                samples.Add(ParseSample(line));
            }
            catch (Exception ex) when (ex is FormatException or IndexOutOfRangeException or ArgumentException)
            {
                throw new FormatException($"line {number} is not a Prometheus sample: {line}", ex);
            }
        }

        return new PrometheusText(samples, types);
    }

    private static PrometheusSample ParseSample(string line)
    {
        var i = 0;
        while (i < line.Length && (char.IsLetterOrDigit(line[i]) || line[i] is '_' or ':')) i++;
        var name = line[..i];
        if (name.Length == 0 || char.IsDigit(name[0])) throw new FormatException("no metric name");
        var labels = new Dictionary<string, string>();
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                var start = i;
                while (line[i] != '=') i++;
                var label = line[start..i].Trim();
                i++;
                if (line[i] != '"') throw new FormatException($"label {label}: no opening quote");
                i++;
                var value = new StringBuilder();
                while (line[i] != '"')
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] switch { 'n' => '\n', '\\' => '\\', '"' => '"', var other => throw new FormatException($"escape \\{other}") });
                    }
                    else
                    {
                        value.Append(line[i]);
                    }

                    i++;
                }

                labels[label] = value.ToString();
                i++;
                if (line[i] == ',') i++;
            }

            i++;
        }

        var rest = line[i..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (rest.Length is < 1 or > 2) throw new FormatException("no value, or more than a value and a timestamp");
        var number = rest[0] switch
        {
            "NaN" => double.NaN,
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            var v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new PrometheusSample(name, labels, number);
    }
}
