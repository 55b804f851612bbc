using MudBlazor;

namespace PostingConsole.Components.Layout;

public static class ConsoleTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#5B4CDB",
            Secondary = "#C2185B",
            AppbarBackground = "#3D2FB0",
            // Darker than MudBlazor's defaults, so text and outlined chips in these colours (and white text on them) keep WCAG AA's
            // 4.5:1 on white: the status chips, the error buttons, warnings and secondary text (AccessibilityBrowserTests).
            Success = "#2E7D32",
            Warning = "#8A5300",
            Error = "#C62828",
            Info = "#1565C0",
            TextSecondary = "rgba(0,0,0,0.68)",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic", "Roboto", "sans-serif"] },
        },
    };
}
