//! What an import takes: the kinds of tables the bureau hands in and, for each, the columns the
//! importer knows, under every name the common company-data services and old ledgers give them.

use serde::{Deserialize, Serialize};

coded!(
    /// The kinds of tables that can be imported.
    ImportKind {
        Enterprises = "enterprises", "企业";
        Targets = "targets", "目标企业";
        Projects = "projects", "项目";
        FollowUps = "followups", "对接记录";
        Funds = "funds", "到位资金";
    }
);

/// A column the importer understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub key: &'static str,
    /// The name in our templates.
    pub label: &'static str,
    /// Other names for it in exports and ledgers.
    pub synonyms: &'static [&'static str],
    pub required: bool,
    /// What to write, for the template's header note.
    pub note: &'static str,
}

const fn col(key: &'static str, label: &'static str, synonyms: &'static [&'static str], required: bool, note: &'static str) -> Column {
    Column { key, label, synonyms, required, note }
}

/// The investor of a row: by its code, or by its name when it has none.
const NAME: Column = col("name", "企业名称", &["公司名称", "单位名称", "企业名称（中文）", "名称", "客商名称", "投资方", "投资企业", "投资主体"], true, "全称；已在企业库中的按信用代码或名称对应");
const USCC: Column = col("uscc", "统一社会信用代码", &["信用代码", "社会信用代码", "统一信用代码", "统一社会信用代码/注册号", "投资方信用代码"], false, "18 位，有则按它对应企业");

const ENTERPRISES: &[Column] = &[
    NAME,
    USCC,
    col("legal_rep", "法定代表人", &["法人代表", "法人", "法定代表人/负责人"], false, ""),
    col("established_on", "成立日期", &["注册日期", "成立时间", "注册时间"], false, "如 2024-06-21、2024年6月21日"),
    col("capital", "注册资本", &["注册资金", "注册资本（万元）"], false, "如 5000万元人民币、300万美元；只写数字按万元，列名写明单位（如 注册资本（元））时按该单位"),
    col("status", "登记状态", &["经营状态", "企业状态", "存续状态"], false, ""),
    col("company_type", "企业类型", &["公司类型", "企业性质", "类型"], false, ""),
    col("industry", "所属行业", &["国标行业", "行业代码", "行业", "国民经济行业", "所属国标行业", "行业门类"], false, "GB/T 4754 代码（如 3670）或行业名称"),
    col("province", "所属省份", &["省份", "省", "所属省"], false, ""),
    col("city", "所属城市", &["城市", "所属市", "地市"], false, ""),
    col("county", "所属区县", &["区县", "区/县", "所属区"], false, ""),
    col("region_code", "行政区划代码", &["区划代码", "地区代码"], false, "6 位；与省市区名称二选一"),
    col("address", "注册地址", &["企业地址", "地址", "通信地址", "住所", "企业注册地址"], false, ""),
    col("business_scope", "经营范围", &[], false, ""),
    col("phone", "电话", &["联系电话", "企业电话", "手机", "电话号码"], false, "记为企业的公开联系电话"),
    col("email", "邮箱", &["电子邮箱", "企业邮箱", "email", "Email", "邮件"], false, ""),
    col("employees", "参保人数", &["员工人数", "从业人数", "人员规模", "职工人数"], false, "整数"),
    col("former_names", "曾用名", &["历史名称"], false, "多个用顿号分隔"),
    col("tags", "标签", &["企业标签"], false, "如 上市、专精特新、中国500强"),
];

const TARGETS: &[Column] = &[
    NAME,
    USCC,
    col("priority", "优先级", &["重点程度", "类别"], false, "A / B / C，默认 B"),
    col("status", "对接状态", &["状态", "进展"], false, "未接触、已接触、洽谈中、有意向、已放弃"),
    col("source", "来源", &["线索来源", "信息来源"], false, ""),
    col("links", "产业链环节", &["对应环节", "环节", "产业链"], false, "环节名称，多个用顿号分隔"),
    col("owner", "负责人", &["责任人", "对接人"], false, "本单位人员的账号或姓名"),
    col("note", "备注", &["说明"], false, ""),
];

const PROJECTS: &[Column] = &[
    col("code", "项目编号", &["编号", "项目代码"], false, "系统编号（XM2026-00001）；有则更新该项目"),
    col("project_name", "项目名称", &["项目"], true, ""),
    NAME,
    USCC,
    col("chain", "产业链", &["所属产业链", "产业链条"], false, "产业链名称"),
    col("industry_code", "行业代码", &["主要产品行业代码", "国标行业代码"], false, "GB/T 4754 代码"),
    col("kind", "项目类型", &["建设性质", "类型"], false, "新建、扩建、技术改造"),
    col("total", "总投资", &["总投资（万元）", "计划总投资", "投资总额", "投资额", "计划投资"], false, "万元，或写 5亿；列名写明单位（如 总投资（亿元））时按该单位"),
    col("fixed", "固定资产投资", &["固定资产投资（万元）", "固投"], false, "万元"),
    col("source_channel", "来源渠道", &["招商方式", "引进方式", "来源"], false, "驻外招商、以商招商、活动招商、中介招商、汉商回归、链主配套、基金招商、其他"),
    col("landing_unit", "落地单位", &["责任单位", "落地县区", "承接单位"], false, "单位名称或代码，默认导入单位"),
    col("contract_kind", "签约类型", &["签约形式", "合同类型"], false, "合同 或 协议"),
    col("lead_on", "登记日期", &["线索日期", "录入日期"], false, ""),
    col("planned_start_on", "计划开工日期", &["计划开工"], false, ""),
    col("planned_operation_on", "计划投产日期", &["计划投产"], false, ""),
    col("note", "备注", &["说明", "存在问题"], false, ""),
];

const FOLLOW_UPS: &[Column] = &[
    NAME,
    USCC,
    col("happened_on", "对接日期", &["日期", "时间", "拜访日期"], true, ""),
    col("kind", "对接方式", &["方式", "类型", "形式"], false, "拜访、接待来访、电话、视频、会议、活动、服务、实地核查"),
    col("summary", "对接情况", &["情况", "内容", "记录", "对接内容", "洽谈情况"], true, ""),
    col("next_step", "下一步", &["下步工作", "下一步计划"], false, ""),
    col("next_due", "下一步期限", &["期限", "完成时限"], false, ""),
    col("place", "地点", &["对接地点"], false, ""),
    col("participants", "参加人员", &["参加人", "参与人员"], false, ""),
];

const FUNDS: &[Column] = &[
    col("code", "项目编号", &["编号", "项目代码"], true, "系统编号（XM2026-00001）"),
    col("month", "月份", &["年月", "到位月份"], true, "如 2026-11"),
    col("amount", "到位金额", &["金额", "到位资金", "本月到位资金", "到位金额（万元）"], true, "万元"),
    col("origin", "资金来源", &["来源"], false, "省外、省内市外、市内，默认省外"),
    col("use_kind", "资金用途", &["用途"], false, "固定资产、流动资金，默认固定资产"),
    col("note", "说明", &["备注"], false, ""),
];

impl ImportKind {
    pub fn columns(self) -> &'static [Column] {
        match self {
            ImportKind::Enterprises => ENTERPRISES,
            ImportKind::Targets => TARGETS,
            ImportKind::Projects => PROJECTS,
            ImportKind::FollowUps => FOLLOW_UPS,
            ImportKind::Funds => FUNDS,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_column_name_stands_for_two_columns_of_one_kind() {
        for kind in ImportKind::ALL {
            let mut seen = std::collections::HashMap::new();
            for c in kind.columns() {
                for name in std::iter::once(&c.label).chain(c.synonyms) {
                    if let Some(other) = seen.insert(*name, c.key) {
                        panic!("{kind:?}: 「{name}」 names both {other} and {}", c.key);
                    }
                }
            }
            assert!(kind.columns().iter().any(|c| c.required), "{kind:?} has a required column");
        }
    }
}
