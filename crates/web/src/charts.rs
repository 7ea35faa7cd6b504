//! Server-rendered SVG charts: no script, a `<title>` on every mark for the hover text, and each
//! mark wrapped in a link to the records behind it. Text is escaped; sizes are in viewBox units so
//! the chart scales to the card it sits in.

use crate::views::escape;

/// One bar of a funnel or bar chart.
pub struct Bar {
    pub label: String,
    pub value: f64,
    /// Shown on the bar, e.g. "12 个 · 8.5 亿元".
    pub text: String,
    pub href: String,
}

/// Horizontal bars, one per row, widths proportional to `value` (a funnel when sorted by stage).
pub fn bars(title: &str, bars: &[Bar]) -> String {
    let (w, row, label_w) = (360.0, 28.0, 70.0);
    let h = row * bars.len().max(1) as f64 + 4.0;
    let max = bars.iter().map(|b| b.value).fold(0.0_f64, f64::max);
    let mut out = format!(r#"<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" aria-label="{}">"#, escape(title));
    for (i, b) in bars.iter().enumerate() {
        let y = i as f64 * row + 2.0;
        let span = w - label_w - 4.0;
        let width = if max > 0.0 { (b.value / max * span).max(if b.value > 0.0 { 2.0 } else { 0.0 }) } else { 0.0 };
        out.push_str(&format!(
            r#"<a href="{href}"><title>{label}：{text}</title><text x="0" y="{ty:.1}" font-size="12" fill="currentColor">{label}</text><rect x="{label_w}" y="{y:.1}" width="{width:.1}" height="{bh:.1}" rx="3" fill="currentColor" fill-opacity=".55"/><text x="{tx:.1}" y="{ty:.1}" font-size="11" fill="currentColor">{text}</text></a>"#,
            href = escape(&b.href),
            label = escape(&b.label),
            text = escape(&b.text),
            ty = y + row * 0.6,
            bh = row - 8.0,
            tx = label_w + 4.0 + if width > 150.0 { 0.0 } else { width },
        ));
    }
    out.push_str("</svg>");
    out
}

/// A cumulative line against its schedule (dashed), months 1–12 on the x axis.
pub struct Line {
    pub title: String,
    /// (month, actual, scheduled) for the months so far.
    pub points: Vec<(u32, f64, f64)>,
    pub unit: String,
    pub href: String,
}

pub fn line(chart: &Line) -> String {
    let (w, h, left, bottom, top) = (360.0, 170.0, 36.0, 22.0, 10.0);
    let max = chart.points.iter().flat_map(|(_, a, s)| [*a, *s]).fold(0.0_f64, f64::max).max(1.0);
    let x = |m: u32| left + (f64::from(m) - 1.0) * (w - left - 8.0) / 11.0;
    let y = |v: f64| top + (h - top - bottom) * (1.0 - v / max);
    let mut out = format!(r#"<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" aria-label="{}">"#, escape(&chart.title));
    out.push_str(&format!(r#"<line x1="{left}" y1="{b:.1}" x2="{w}" y2="{b:.1}" stroke="currentColor" stroke-opacity=".3"/>"#, b = h - bottom));
    out.push_str(&format!(r#"<text x="0" y="{:.1}" font-size="10" fill="currentColor" fill-opacity=".7">{}</text>"#, top + 4.0, escape(&fmt(max))));
    for m in 1..=12u32 {
        out.push_str(&format!(r#"<text x="{:.1}" y="{:.1}" font-size="9" text-anchor="middle" fill="currentColor" fill-opacity=".7">{m}</text>"#, x(m), h - 8.0));
    }
    let path = |pick: fn(&(u32, f64, f64)) -> f64| -> String { chart.points.iter().enumerate().map(|(i, p)| format!("{}{:.1},{:.1}", if i == 0 { "M" } else { " L" }, x(p.0), y(pick(p)))).collect() };
    if chart.points.iter().any(|p| p.2 > 0.0) {
        out.push_str(&format!(r#"<path d="{}" fill="none" stroke="currentColor" stroke-opacity=".45" stroke-width="1.5" stroke-dasharray="4 3"/>"#, path(|p| p.2)));
    }
    if !chart.points.is_empty() {
        out.push_str(&format!(r#"<path d="{}" fill="none" stroke="currentColor" stroke-width="2.5"/>"#, path(|p| p.1)));
    }
    for (m, actual, scheduled) in &chart.points {
        let behind = *scheduled > 0.0 && actual < scheduled;
        out.push_str(&format!(
            r#"<a href="{href}"><title>{m} 月累计 {a}{u}{s}</title><circle cx="{cx:.1}" cy="{cy:.1}" r="4" fill="{fill}"/></a>"#,
            href = escape(&chart.href),
            a = fmt(*actual),
            u = escape(&chart.unit),
            s = if *scheduled > 0.0 { format!("，按进度应完成 {}{}{}", fmt(*scheduled), escape(&chart.unit), if behind { "，落后" } else { "" }) } else { String::new() },
            cx = x(*m),
            cy = y(*actual),
            fill = if behind { "#a4201a" } else { "currentColor" },
        ));
    }
    out.push_str("</svg>");
    out
}

/// Up to two decimals, trailing zeros dropped: 12 → "12", 0.3 → "0.3", 8.25 → "8.25".
pub fn fmt(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short() {
        for (v, s) in [(12.0, "12"), (0.3, "0.3"), (8.25, "8.25"), (0.0, "0"), (1234.5, "1234.5")] {
            assert_eq!(fmt(v), s);
        }
    }

    #[test]
    fn text_is_escaped_and_marks_link_to_records() {
        let svg = bars("漏斗", &[Bar { label: "<签约>".into(), value: 3.0, text: "3 个".into(), href: "/projects?stage=signed&x=1".into() }]);
        assert!(svg.contains("&lt;签约&gt;") && !svg.contains("<签约>"));
        assert!(svg.contains(r#"href="/projects?stage=signed&amp;x=1""#));
        assert!(svg.contains("<title>&lt;签约&gt;：3 个</title>"));
        let l = line(&Line { title: "签约".into(), points: vec![(1, 1.0, 2.0), (2, 3.0, 2.0)], unit: " 个".into(), href: "/projects".into() });
        assert!(l.contains("1 月累计 1 个，按进度应完成 2 个，落后") && l.contains("2 月累计 3 个，按进度应完成 2 个</title>"));
    }
}
