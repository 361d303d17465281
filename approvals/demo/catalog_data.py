"""The demo district's catalog, organisation and accounts, as plain Python data.

Everything here is taken from, or made to fit, the seed articles in ../shared/seeds/ (Yubei district's
urban-management reforms, the big approval section, Shapingba's merged construction-permit and completion
stages, Jiangbei's public-place health licence under 告知承诺). The data is in Chinese, as a real district
would have it. Company names come from the articles; every *person* named here is fictional.

Limits are in working days. Promised limits come from the articles where they state them:
- seed 000: 户外招牌设置备案, 供排水设施审核 and 市政设施建设类审批 cut from 5 to 4 working days; the
  urban-management trio bundled; greening compensation charged at the lower bound.
- seed 001: land-use planning permit in 2 days, construction-project planning permit in 5.
- seed 002/003: fire design review + civil air defence design review + drawing review merged, then safety
  supervision + quality supervision + construction permit merged: 2 working days each (the headline's
  "4 days" for the whole permit); 7 completion items in one joint acceptance in 3 working days.
- seed 004: 公共场所卫生许可 decided on the spot under 告知承诺.
Legal limits follow the Administrative Licensing Law (Art. 42: 20 working days) unless a special law sets
another one (the Construction Law's 7 days for the construction permit; 30 for real-estate registration).
"""

# --- The park and its operator (seed 000) ---------------------------------------------------------------
PARKS = [
    {"code": "qianyan", "name": "临空前沿科技城", "operator": "创新经济走廊公司"},
]

# --- Departments with approval powers, each with its section in the big approval section (seed 001) ------
# document_prefix starts the numbers of the documents a department issues: 渝北城管许〔2026〕第0001号.
DEPARTMENTS = [
    {"code": "cgj", "document_prefix": "渝北城管", "name": "区城市管理局", "short_name": "城管", "approval_section": "区城市管理局行政审批科",
     "window": "城管综合受理窗口（12号）", "phone": "023-67800012"},
    {"code": "ghzy", "document_prefix": "渝北规资", "name": "区规划自然资源局", "short_name": "规划自然资源",
     "approval_section": "区规划自然资源局行政审批科", "window": "工程建设项目综合受理窗口（3号）",
     "phone": "023-67800003"},
    {"code": "zjw", "document_prefix": "渝北住建", "name": "区住房城乡建委", "short_name": "住建",
     "approval_section": "区住房城乡建委行政审批科", "window": "工程建设项目综合受理窗口（5号）",
     "phone": "023-67800005"},
    {"code": "sthj", "document_prefix": "渝北环", "name": "区生态环境局", "short_name": "生态环境",
     "approval_section": "区生态环境局行政审批科", "window": "工程建设项目综合受理窗口（7号）",
     "phone": "023-67800007"},
    {"code": "wjw", "document_prefix": "渝北卫健", "name": "区卫生健康委", "short_name": "卫健",
     "approval_section": "区卫生健康委行政审批科", "window": "社会事务综合受理窗口（21号）",
     "phone": "023-67800021"},
    {"code": "xfjy", "document_prefix": "渝北消", "name": "区消防救援支队", "short_name": "消防",
     "approval_section": "区消防救援支队行政审批科", "window": "社会事务综合受理窗口（23号）",
     "phone": "023-67800023"},
    {"code": "rfb", "document_prefix": "渝北人防", "name": "区人防办", "short_name": "人防", "approval_section": "区人防办行政审批科",
     "window": "工程建设项目综合受理窗口（8号）", "phone": "023-67800008"},
    {"code": "cjda", "document_prefix": "渝北城建档", "name": "区城建档案馆", "short_name": "城建档案",
     "approval_section": "区城建档案馆行政审批科", "window": "工程建设项目综合受理窗口（9号）",
     "phone": "023-67800009"},
]

# --- Material types: canonical keys shared across items -----------------------------------------------
# issued_by_government: the portal (or another authority) already holds it, so a bundle attaches it (免提交).
MATERIAL_TYPES = [
    # shared by many items
    {"key": "business_licence", "name": "营业执照", "issued_by_government": True,
     "description": "申请单位的营业执照，由市场监管部门电子证照库调取，无需提交。"},
    {"key": "power_of_attorney", "name": "授权委托书", "max_pages": 2,
     "description": "委托代办人（含园区服务专员）办理时提供，载明委托事项和权限。"},
    {"key": "site_plan", "name": "工程位置示意图", "max_pages": 5,
     "description": "标明施工（占用）范围、面积及周边道路、绿地、照明设施的位置示意图。"},
    # urban management (seed 000: 申请表、示意图、审查意见 ... 10 documents for the trio)
    {"key": "cg_application_form", "name": "城市管理行政许可申请表", "max_pages": 4,
     "description": "城管领域“一张表申请”：同一项目多个事项共用一张申请表。"},
    {"key": "construction_traffic_plan", "name": "施工方案及交通导改方案", "max_pages": 40,
     "description": "含施工组织、安全措施、交通组织（导改）方案和恢复方案。"},
    {"key": "green_tree_plan", "name": "占用绿地、树木处置方案及现状照片", "max_pages": 20,
     "description": "占用绿地面积、涉及树木品种、数量、胸径及移植（砍伐）和恢复方案。"},
    {"key": "lighting_review_opinion", "name": "城市照明设施管理单位审查意见", "max_pages": 3,
     "description": "照明设施产权或管理单位对占用、迁移、拆除方案的书面意见。"},
    {"key": "signboard_design", "name": "户外招牌设计效果图", "max_pages": 5,
     "description": "标明招牌位置、尺寸、材质、文字内容的效果图。"},
    {"key": "facility_relocation_plan", "name": "供水、排水与污水处理设施拆改迁方案", "max_pages": 30,
     "description": "拆除、改动、迁移方案及保障正常供排水的临时措施。"},
    {"key": "facility_operator_opinion", "name": "设施维护运营单位意见", "max_pages": 3},
    # planning and land
    {"key": "gh_application_form", "name": "建设项目规划许可申请表", "max_pages": 4},
    {"key": "land_transfer_contract", "name": "国有建设用地使用权出让合同", "max_pages": 60},
    {"key": "land_handover_record", "name": "土地交付确认书", "max_pages": 3},
    {"key": "planning_conditions", "name": "规划条件函", "issued_by_government": True,
     "description": "规划自然资源部门出具的规划条件，系统内调取。"},
    {"key": "design_scheme", "name": "建设工程设计方案（含总平面图）", "max_pages": 80},
    {"key": "land_use_planning_permit", "name": "建设用地规划许可证", "issued_by_government": True},
    {"key": "construction_planning_permit", "name": "建设工程规划许可证", "issued_by_government": True},
    {"key": "cadastral_survey", "name": "不动产权籍调查成果", "max_pages": 20},
    {"key": "land_price_receipt", "name": "土地出让价款及相关税费缴纳凭证", "max_pages": 5},
    {"key": "as_built_survey", "name": "建设工程竣工规划核实测量成果报告", "max_pages": 40},
    # construction permit stage
    {"key": "zj_application_form", "name": "工程建设项目施工许可阶段申请表", "max_pages": 4},
    {"key": "construction_drawings", "name": "施工图设计文件", "max_pages": 400},
    {"key": "fire_design_documents", "name": "特殊建设工程消防设计文件", "max_pages": 200},
    {"key": "civil_air_defence_drawings", "name": "人防工程施工图设计文件", "max_pages": 100},
    {"key": "construction_contract", "name": "施工合同及中标通知书", "max_pages": 80},
    {"key": "supervision_contract", "name": "监理合同", "max_pages": 40},
    {"key": "safety_measures", "name": "保证工程质量和安全的具体措施", "max_pages": 30},
    {"key": "real_estate_certificate", "name": "不动产权证书", "issued_by_government": True},
    # completion acceptance
    {"key": "completion_report", "name": "工程竣工验收报告", "max_pages": 60},
    {"key": "fire_facility_test_report", "name": "消防设施检测报告", "max_pages": 60},
    {"key": "energy_evaluation_report", "name": "建筑能效（绿色建筑）测评报告", "max_pages": 60},
    {"key": "civil_air_defence_completion", "name": "人防工程竣工资料", "max_pages": 60},
    {"key": "archives_catalogue", "name": "建设工程档案移交目录及案卷", "max_pages": 200},
    {"key": "construction_permit", "name": "建筑工程施工许可证", "issued_by_government": True},
    # environment
    {"key": "eia_report_form", "name": "建设项目环境影响报告表", "max_pages": 200},
    # health and fire safety of venues (seed 004)
    {"key": "health_licence_application", "name": "公共场所卫生许可申请书", "max_pages": 3},
    {"key": "venue_floor_plan", "name": "经营场所平面布局图", "max_pages": 5},
    {"key": "hygiene_rules", "name": "卫生管理制度", "max_pages": 20},
    {"key": "hygiene_test_report", "name": "公共场所卫生检测报告", "max_pages": 30,
     "description": "实行告知承诺的，可在承诺期限内补交。"},
    {"key": "fire_safety_rules", "name": "消防安全制度、灭火和应急疏散预案", "max_pages": 30},
]

# --- Form fields: canonical keys shared across items (one form for a bundle) -----------------------------
FORM_FIELDS = [
    {"key": "project_name", "label": "项目名称", "field_type": "text"},
    {"key": "site_address", "label": "建设（占用）地点", "field_type": "text",
     "help_text": "写明道路、门牌或地块位置，例如：渝北区悦港大道北侧"},
    {"key": "builder_credit_code", "label": "建设单位统一社会信用代码", "field_type": "credit_code"},
    {"key": "contact_person", "label": "联系人", "field_type": "text"},
    {"key": "contact_phone", "label": "联系电话", "field_type": "phone"},
    {"key": "start_date", "label": "计划开始日期", "field_type": "date"},
    {"key": "end_date", "label": "计划结束日期", "field_type": "date"},
    {"key": "road_occupation_area_m2", "label": "占用（挖掘）道路面积", "field_type": "decimal",
     "unit": "平方米", "min_value": "0"},
    {"key": "green_area_m2", "label": "占用绿地（草坪）面积", "field_type": "decimal", "unit": "平方米",
     "min_value": "0", "help_text": "临时占用城市园林公共绿地的面积，用于计算绿化补偿费"},
    {"key": "tree_count", "label": "移植（占用）树木数量", "field_type": "integer", "unit": "株",
     "min_value": "0"},
    {"key": "lamp_count", "label": "涉及路灯数量", "field_type": "integer", "unit": "盏", "min_value": "0"},
    {"key": "signboard_text", "label": "招牌文字内容", "field_type": "text"},
    {"key": "signboard_area_m2", "label": "招牌面积", "field_type": "decimal", "unit": "平方米",
     "min_value": "0"},
    {"key": "facility_kind", "label": "设施类别", "field_type": "choice",
     "choices": ["供水设施", "排水设施", "污水处理设施"]},
    {"key": "land_parcel_no", "label": "宗地（地块）编号", "field_type": "text"},
    {"key": "land_area_m2", "label": "用地面积", "field_type": "decimal", "unit": "平方米", "min_value": "0"},
    {"key": "building_area_m2", "label": "总建筑面积", "field_type": "decimal", "unit": "平方米",
     "min_value": "0"},
    {"key": "total_investment_wan", "label": "总投资", "field_type": "decimal", "unit": "万元", "min_value": "0"},
    {"key": "contract_price_wan", "label": "施工合同价格", "field_type": "decimal", "unit": "万元",
     "min_value": "0"},
    {"key": "contractor_credit_code", "label": "施工单位统一社会信用代码", "field_type": "credit_code"},
    {"key": "civil_air_defence_area_m2", "label": "防空地下室面积", "field_type": "decimal", "unit": "平方米",
     "min_value": "0"},
    {"key": "eia_document_type", "label": "环评文件类型", "field_type": "choice",
     "choices": ["环境影响报告书", "环境影响报告表"]},
    {"key": "venue_type", "label": "场所类别", "field_type": "choice",
     "choices": ["宾馆酒店", "美容美发场所", "游泳场所", "商场超市", "其他公共场所"]},
    {"key": "venue_area_m2", "label": "经营场所面积", "field_type": "decimal", "unit": "平方米",
     "min_value": "0"},
]

_ALL_DELIVERY = ["window", "mail", "electronic"]
_CONTACT = ["project_name", "site_address", "builder_credit_code", "contact_person", "contact_phone"]

HEALTH_COMMITMENT_TEXT = (
    "本单位已知晓公共场所卫生许可的全部条件和要求，承诺：经营场所的选址、设计、布局、卫生设施设备及"
    "从业人员健康管理均符合《公共场所卫生管理条例》及其实施细则的规定；所提交材料真实、有效；"
    "在规定期限内补交公共场所卫生检测报告。如有不实承诺，自愿承担许可被撤销及相应法律责任，"
    "并同意将失信信息记入信用记录。"
)
FIRE_COMMITMENT_TEXT = (
    "本单位承诺：场所已依法通过消防验收或备案，消防设施、器材和消防安全标志配置齐全完好有效，"
    "疏散通道、安全出口畅通，已建立消防安全制度和应急疏散预案，符合消防技术标准和管理规定；"
    "如有不实承诺，自愿承担决定被撤销及相应法律责任，并同意记入信用记录。"
)

# Each item: materials are (key, required, note); fields are keys in form order (all required unless listed
# in "optional_fields"); fees are rules by name. "issued_material" names the material type the item issues (a
# bundle containing the item never asks for it); "after_commitment_materials" may follow a signed 告知承诺;
# "certificate" makes it issue an e-certificate (its name, validity in years or None, and the material type it
# becomes for the holder's next bundles, 免提交).
ITEMS = [
    # --- urban management (区城市管理局): the trio of seed 000 and its neighbours --------------------------
    {
        "code": "CG-XK-001", "name": "市政设施建设类审批", "department": "cgj", "kind": "licence",
        "legal_limit_days": 20, "promised_limit_days": 4, "fully_online": True,
        "delivery_options": _ALL_DELIVERY, "issues": "市政设施建设类准予行政许可决定书",
        "legal_basis": "《城市道路管理条例》；《重庆市市政设施管理条例》",
        "conditions": "因工程建设需要挖掘、占用城市道路或改动市政设施，施工方案和交通组织方案可行。",
        "materials": [("cg_application_form", True, ""), ("business_licence", True, ""),
                      ("site_plan", True, ""),
                      ("construction_traffic_plan", True, "涉及轨道建设、交通导改的须附交通导改方案")],
        "fields": [*_CONTACT, "start_date", "end_date", "road_occupation_area_m2"],
    },
    {
        "code": "CG-XK-002", "name": "工程建设涉及城市绿地、树木审批", "department": "cgj", "kind": "licence",
        "legal_limit_days": 20, "promised_limit_days": 4, "fully_online": True,
        "delivery_options": _ALL_DELIVERY, "issues": "占用城市绿地、移植树木准予行政许可决定书",
        "legal_basis": "《城市绿化条例》；《重庆市城市园林绿化条例》",
        "conditions": "因工程建设确需临时占用城市绿地或移植树木，并承诺按期恢复。",
        "materials": [("cg_application_form", True, ""), ("site_plan", True, ""),
                      ("green_tree_plan", True, "")],
        "fields": [*_CONTACT, "start_date", "end_date", "green_area_m2", "tree_count"],
        # Two rules so that seed 000's example is reproducible: 319.11 m² of lawn and 89 trees give
        # 45,605.40 yuan at the upper bounds and 24,182.20 at the lower bounds (21,423.20 saved).
        "fees": [
            {"name": "城市园林绿化补偿费（草坪）", "basis_field": "green_area_m2", "unit": "元/平方米",
             "min_rate": "20.00", "max_rate": "40.00", "policy": "lower_bound",
             "legal_basis": "《重庆市城市园林绿化条例》；临时占用公共绿地的补偿费按规定幅度下限执行"},
            {"name": "城市园林绿化补偿费（树木）", "basis_field": "tree_count", "unit": "元/株",
             "min_rate": "200.00", "max_rate": "369.00", "policy": "lower_bound",
             "legal_basis": "《重庆市城市园林绿化条例》；临时占用公共绿地的补偿费按规定幅度下限执行"},
        ],
    },
    {
        "code": "CG-XK-003", "name": "占用、迁移、拆除城市道路照明设施审核", "department": "cgj",
        "kind": "licence", "legal_limit_days": 20, "promised_limit_days": 4, "fully_online": True,
        "delivery_options": _ALL_DELIVERY, "issues": "城市道路照明设施审核意见书",
        "legal_basis": "《城市道路照明设施管理规定》",
        "materials": [("cg_application_form", True, ""), ("site_plan", True, ""),
                      ("lighting_review_opinion", True, "")],
        "fields": [*_CONTACT, "start_date", "end_date", "lamp_count"],
    },
    {
        "code": "CG-XK-004", "name": "因工程建设需要拆除、改动、迁移供水、排水与污水处理设施审核",
        "department": "cgj", "kind": "licence", "legal_limit_days": 20, "promised_limit_days": 4,
        "fully_online": True, "delivery_options": _ALL_DELIVERY, "issues": "设施拆改迁方案审核意见书",
        "legal_basis": "《城镇排水与污水处理条例》；《城市供水条例》",
        "materials": [("cg_application_form", True, ""), ("business_licence", True, ""),
                      ("site_plan", True, ""), ("facility_relocation_plan", True, ""),
                      ("facility_operator_opinion", True, "")],
        "fields": [*_CONTACT, "facility_kind", "start_date", "end_date"],
    },
    {
        # Seed 000 lists this filing among those cut from 5 to 4 working days, so it is not immediate here.
        "code": "CG-BA-001", "name": "户外招牌设置备案", "department": "cgj", "kind": "filing",
        "legal_limit_days": 5, "promised_limit_days": 4, "fully_online": True,
        "delivery_options": ["electronic", "window"], "issues": "户外招牌设置备案回执",
        "legal_basis": "《重庆市市容环境卫生管理条例》",
        "materials": [("cg_application_form", True, ""), ("business_licence", True, ""),
                      ("signboard_design", True, "")],
        "fields": ["site_address", "contact_person", "contact_phone", "signboard_text", "signboard_area_m2"],
    },
    # --- planning and natural resources (区规划自然资源局): 交地即办证 --------------------------------------
    {
        "code": "GH-XK-001", "name": "建设用地规划许可证核发", "department": "ghzy", "kind": "licence",
        "certificate": {"name": "建设用地规划许可证", "validity_years": None, "material": "land_use_planning_permit"},
        "legal_limit_days": 20, "promised_limit_days": 2, "fully_online": True,
        "delivery_options": _ALL_DELIVERY, "issues": "建设用地规划许可证",
        "issued_material": "land_use_planning_permit",
        "legal_basis": "《中华人民共和国城乡规划法》",
        "materials": [("gh_application_form", True, ""), ("business_licence", True, ""),
                      ("land_transfer_contract", True, ""), ("planning_conditions", True, ""),
                      ("power_of_attorney", False, "委托代办时提供")],
        "fields": [*_CONTACT, "land_parcel_no", "land_area_m2"],
    },
    {
        "code": "GH-XK-002", "name": "建设工程规划许可证核发", "department": "ghzy", "kind": "licence",
        "certificate": {"name": "建设工程规划许可证", "validity_years": 2, "material": "construction_planning_permit"},
        "legal_limit_days": 20, "promised_limit_days": 5, "fully_online": True,
        "delivery_options": _ALL_DELIVERY, "issues": "建设工程规划许可证",
        "issued_material": "construction_planning_permit",
        "legal_basis": "《中华人民共和国城乡规划法》",
        "materials": [("gh_application_form", True, ""), ("business_licence", True, ""),
                      ("land_use_planning_permit", True, ""), ("design_scheme", True, ""),
                      ("power_of_attorney", False, "委托代办时提供")],
        "fields": [*_CONTACT, "land_parcel_no", "building_area_m2", "total_investment_wan"],
    },
    {
        "code": "GH-DJ-001", "name": "国有建设用地使用权首次登记", "department": "ghzy", "kind": "other",
        "certificate": {"name": "不动产权证书", "validity_years": None, "material": "real_estate_certificate"},
        "legal_limit_days": 30, "promised_limit_days": 1, "fully_online": True,
        "delivery_options": _ALL_DELIVERY, "issues": "不动产权证书",
        "issued_material": "real_estate_certificate",
        "legal_basis": "《不动产登记暂行条例》",
        "materials": [("gh_application_form", True, ""), ("business_licence", True, ""),
                      ("land_transfer_contract", True, ""), ("land_handover_record", True, ""),
                      ("cadastral_survey", True, ""), ("land_price_receipt", True, "")],
        "fields": [*_CONTACT, "land_parcel_no", "land_area_m2"],
        "fees": [
            {"name": "不动产登记费（非住宅）", "basis_field": None, "unit": "元/件",
             "min_rate": "550.00", "max_rate": "550.00", "policy": "lower_bound",
             "legal_basis": "不动产登记收费标准（非住宅类每件550元）"},
        ],
    },
    {
        "code": "GH-QT-001", "name": "建设工程竣工规划核实", "department": "ghzy", "kind": "other",
        "legal_limit_days": 20, "promised_limit_days": 3, "fully_online": False,
        "delivery_options": _ALL_DELIVERY, "issues": "建设工程竣工规划核实意见书",
        "legal_basis": "《中华人民共和国城乡规划法》",
        "materials": [("gh_application_form", True, ""), ("construction_planning_permit", True, ""),
                      ("as_built_survey", True, "")],
        "fields": [*_CONTACT, "building_area_m2"],
    },
    # --- housing and construction (区住房城乡建委): construction-permit stage ----------------------------
    {
        "code": "ZJ-XK-001", "name": "特殊建设工程消防设计审查", "department": "zjw", "kind": "licence",
        "legal_limit_days": 15, "promised_limit_days": 2, "fully_online": True,
        "delivery_options": _ALL_DELIVERY, "issues": "特殊建设工程消防设计审查意见书",
        "legal_basis": "《中华人民共和国消防法》；《建设工程消防设计审查验收管理暂行规定》",
        "materials": [("zj_application_form", True, ""), ("fire_design_documents", True, ""),
                      ("construction_planning_permit", True, "")],
        "fields": [*_CONTACT, "building_area_m2"],
    },
    {
        "code": "RF-XK-001", "name": "人防工程设计审查（防空地下室）", "department": "rfb", "kind": "licence",
        "legal_limit_days": 20, "promised_limit_days": 2, "fully_online": True,
        "delivery_options": _ALL_DELIVERY, "issues": "人防工程施工图设计审查意见书",
        "legal_basis": "《中华人民共和国人民防空法》",
        "materials": [("zj_application_form", True, ""), ("civil_air_defence_drawings", True, ""),
                      ("construction_planning_permit", True, "")],
        "fields": [*_CONTACT, "civil_air_defence_area_m2"],
    },
    {
        "code": "ZJ-QT-001", "name": "施工图设计文件审查", "department": "zjw", "kind": "other",
        "legal_limit_days": 20, "promised_limit_days": 2, "fully_online": True,
        "delivery_options": ["electronic"], "issues": "施工图设计文件审查合格书",
        "legal_basis": "《建设工程质量管理条例》；《房屋建筑和市政基础设施工程施工图设计文件审查管理办法》",
        "materials": [("zj_application_form", True, ""), ("construction_drawings", True, ""),
                      ("construction_planning_permit", True, "")],
        "fields": [*_CONTACT, "building_area_m2"],
    },
    {
        "code": "ZJ-BA-001", "name": "建设工程安全报监", "department": "zjw", "kind": "filing",
        "legal_limit_days": 5, "promised_limit_days": 0, "immediate": True, "fully_online": True,
        "delivery_options": ["electronic"], "issues": "建设工程安全监督告知书",
        "legal_basis": "《建设工程安全生产管理条例》",
        "materials": [("zj_application_form", True, ""), ("construction_contract", True, ""),
                      ("safety_measures", True, "")],
        "fields": [*_CONTACT, "contractor_credit_code", "contract_price_wan"],
    },
    {
        "code": "ZJ-BA-002", "name": "建设工程质量报监", "department": "zjw", "kind": "filing",
        "legal_limit_days": 5, "promised_limit_days": 0, "immediate": True, "fully_online": True,
        "delivery_options": ["electronic"], "issues": "建设工程质量监督告知书",
        "legal_basis": "《建设工程质量管理条例》",
        "materials": [("zj_application_form", True, ""), ("construction_contract", True, ""),
                      ("supervision_contract", True, "")],
        "fields": [*_CONTACT, "contractor_credit_code", "building_area_m2"],
    },
    {
        "code": "ZJ-XK-002", "name": "建筑工程施工许可证核发", "department": "zjw", "kind": "licence",
        "certificate": {"name": "建筑工程施工许可证", "validity_years": None, "material": "construction_permit"},
        "legal_limit_days": 7, "promised_limit_days": 1, "fully_online": True,
        "delivery_options": _ALL_DELIVERY, "issues": "建筑工程施工许可证",
        "issued_material": "construction_permit",
        "legal_basis": "《中华人民共和国建筑法》；《建筑工程施工许可管理办法》",
        "materials": [("zj_application_form", True, ""), ("business_licence", True, ""),
                      ("real_estate_certificate", True, ""), ("construction_planning_permit", True, ""),
                      ("construction_contract", True, ""), ("safety_measures", True, "")],
        "fields": [*_CONTACT, "contractor_credit_code", "contract_price_wan", "building_area_m2"],
    },
    # --- joint completion acceptance (seed 002/003: 7 items, 3 working days) --------------------------
    {
        "code": "ZJ-QT-002", "name": "建设工程质量竣工验收监督", "department": "zjw", "kind": "other",
        "legal_limit_days": 15, "promised_limit_days": 3, "fully_online": False,
        "delivery_options": _ALL_DELIVERY, "issues": "建设工程质量竣工验收监督报告",
        "legal_basis": "《建设工程质量管理条例》",
        "materials": [("zj_application_form", True, ""), ("completion_report", True, ""),
                      ("construction_permit", True, "")],
        "fields": [*_CONTACT, "building_area_m2"],
    },
    {
        "code": "ZJ-XK-003", "name": "特殊建设工程消防验收", "department": "zjw", "kind": "licence",
        "legal_limit_days": 15, "promised_limit_days": 3, "fully_online": False,
        "delivery_options": _ALL_DELIVERY, "issues": "特殊建设工程消防验收意见书",
        "legal_basis": "《中华人民共和国消防法》；《建设工程消防设计审查验收管理暂行规定》",
        "materials": [("zj_application_form", True, ""), ("completion_report", True, ""),
                      ("fire_facility_test_report", True, "")],
        "fields": [*_CONTACT, "building_area_m2"],
    },
    {
        "code": "ZJ-QT-003", "name": "建筑能效（绿色建筑）测评", "department": "zjw", "kind": "other",
        "legal_limit_days": 20, "promised_limit_days": 3, "fully_online": True,
        "delivery_options": ["electronic"], "issues": "建筑能效（绿色建筑）测评标识",
        "legal_basis": "《民用建筑节能条例》",
        "materials": [("zj_application_form", True, ""), ("energy_evaluation_report", True, "")],
        "fields": [*_CONTACT, "building_area_m2"],
    },
    {
        "code": "RF-QT-001", "name": "建设项目人防验收", "department": "rfb", "kind": "other",
        "legal_limit_days": 20, "promised_limit_days": 3, "fully_online": False,
        "delivery_options": _ALL_DELIVERY, "issues": "人防工程竣工验收备案证明",
        "legal_basis": "《中华人民共和国人民防空法》",
        "materials": [("zj_application_form", True, ""), ("completion_report", True, ""),
                      ("civil_air_defence_completion", True, "")],
        "fields": [*_CONTACT, "civil_air_defence_area_m2"],
    },
    {
        "code": "DA-QT-001", "name": "建设工程档案单项验收", "department": "cjda", "kind": "other",
        "legal_limit_days": 20, "promised_limit_days": 3, "fully_online": True,
        "delivery_options": ["electronic", "window"], "issues": "建设工程档案验收意见书",
        "legal_basis": "《城市建设档案管理规定》",
        "materials": [("zj_application_form", True, ""), ("archives_catalogue", True, "")],
        "fields": [*_CONTACT],
    },
    {
        "code": "ZJ-BA-003", "name": "建设工程竣工验收备案", "department": "zjw", "kind": "filing",
        "legal_limit_days": 5, "promised_limit_days": 0, "immediate": True, "fully_online": True,
        "delivery_options": ["electronic", "window"], "issues": "建设工程竣工验收备案表",
        "legal_basis": "《房屋建筑和市政基础设施工程竣工验收备案管理办法》",
        "materials": [("zj_application_form", True, ""), ("completion_report", True, ""),
                      ("construction_permit", True, "")],
        "fields": [*_CONTACT, "building_area_m2"],
    },
    # --- environment (区生态环境局, seed 001) -------------------------------------------------------------
    {
        "code": "HB-XK-001", "name": "建设项目环境影响评价文件审批（报告表）", "department": "sthj",
        "kind": "licence", "legal_limit_days": 30, "promised_limit_days": 5, "fully_online": True,
        "delivery_options": _ALL_DELIVERY, "issues": "建设项目环境影响报告表批复",
        "legal_basis": "《中华人民共和国环境影响评价法》；《建设项目环境保护管理条例》",
        "materials": [("eia_report_form", True, ""), ("business_licence", True, ""),
                      ("power_of_attorney", False, "委托代办时提供")],
        "fields": [*_CONTACT, "eia_document_type", "total_investment_wan"],
    },
    # --- health and fire safety of venues (seed 004: 告知承诺) -------------------------------------------
    {
        "code": "WJ-XK-001", "name": "公共场所卫生许可", "department": "wjw", "kind": "licence",
        "certificate": {"name": "公共场所卫生许可证", "validity_years": 4, "material": None},
        "legal_limit_days": 20, "promised_limit_days": 3, "commitment_allowed": True,
        "commitment_text": HEALTH_COMMITMENT_TEXT, "fully_online": True,
        "delivery_options": _ALL_DELIVERY, "issues": "公共场所卫生许可证",
        "legal_basis": "《公共场所卫生管理条例》及其实施细则；国办发〔2020〕42号（告知承诺制）",
        "conditions": "实行告知承诺的，申请人书面承诺符合条件后当场作出准予许可决定。",
        "materials": [("health_licence_application", True, ""), ("business_licence", True, ""),
                      ("venue_floor_plan", True, ""), ("hygiene_rules", True, ""),
                      ("hygiene_test_report", True, "实行告知承诺的，可在承诺期限内补交")],
        # 告知承诺: the test report may follow the decision (handed in within the after-check period).
        "after_commitment_materials": ["hygiene_test_report"],
        "fields": ["site_address", "contact_person", "contact_phone", "venue_type", "venue_area_m2"],
    },
    {
        "code": "XF-XK-001", "name": "公众聚集场所投入使用、营业前消防安全检查", "department": "xfjy",
        "certificate": {"name": "公众聚集场所投入使用、营业前消防安全检查合格证", "validity_years": None, "material": None},
        "kind": "licence", "legal_limit_days": 10, "promised_limit_days": 3, "commitment_allowed": True,
        "commitment_text": FIRE_COMMITMENT_TEXT, "fully_online": True,
        "delivery_options": _ALL_DELIVERY, "issues": "公众聚集场所投入使用、营业前消防安全检查合格证",
        "legal_basis": "《中华人民共和国消防法》",
        "materials": [("business_licence", True, ""), ("venue_floor_plan", True, ""),
                      ("fire_safety_rules", True, "")],
        "fields": ["site_address", "contact_person", "contact_phone", "venue_type", "venue_area_m2"],
    },
]

# The urban-management trio of seed 000: 10 documents item by item.
TRIO_CODES = ["CG-XK-001", "CG-XK-002", "CG-XK-003"]

PACKAGES = [
    {
        "code": "cg-trio", "name": "城管三合一：市政设施、绿地树木、道路照明一件事", "joint": False,
        "description": "同一项目涉及市政设施建设、城市绿地树木和道路照明设施的，“一张表申请、一次性办理、"
                       "打包式审批”：由受理科室牵头系统内部流转，不再逐个单位签署意见。",
        "stages": [
            {"order": 1, "name": "城管联合审批", "lead": "cgj", "promised_limit_days": 4, "items": TRIO_CODES},
        ],
    },
    {
        "code": "construction-permit", "name": "施工许可阶段联合审批", "joint": True,
        "description": "消防设计审查、人防设计审查、施工图审查合并办理；安全报监、质量报监、施工许可合并办理，"
                       "每一环节2个工作日。",
        "stages": [
            {"order": 1, "name": "施工图联合审查", "lead": "zjw", "promised_limit_days": 2,
             "items": ["ZJ-XK-001", "RF-XK-001", "ZJ-QT-001"]},
            {"order": 2, "name": "报监及施工许可合并办理", "lead": "zjw", "promised_limit_days": 2,
             "items": ["ZJ-BA-001", "ZJ-BA-002", "ZJ-XK-002"]},
        ],
    },
    {
        "code": "joint-completion", "name": "联合竣工验收", "joint": True,
        "description": "质量竣工验收监督、消防验收、竣工规划核实、建筑能效测评、人防验收、档案验收和竣工验收备案"
                       "7个事项合并验收，3个工作日办结。",
        "stages": [
            {"order": 1, "name": "联合竣工验收", "lead": "zjw", "promised_limit_days": 3,
             "items": ["ZJ-QT-002", "ZJ-XK-003", "GH-QT-001", "ZJ-QT-003", "RF-QT-001", "DA-QT-001",
                       "ZJ-BA-003"]},
        ],
    },
    {
        "code": "land-handover-certificates", "name": "交地即办证", "joint": False,
        "description": "土地交付当日，不动产权证书、建设用地规划许可证、建设工程规划许可证一次办结（“三即”之"
                       "“交地即交证”）。",
        "stages": [
            {"order": 1, "name": "交地即办证", "lead": "ghzy", "promised_limit_days": 1,
             "items": ["GH-DJ-001", "GH-XK-001", "GH-XK-002"]},
        ],
    },
]

# --- Enterprises (names from the seed articles; codes are made valid by their check character) ----------
# "org" is the 9-character organisation part; the full code is "91" + "500112" (Yubei) + org + check.
ENTERPRISES = [
    {"org": "MA5YB0D01", "name": "重庆大江北辰新能源汽车产业发展有限公司", "legal_representative": "刘建军",
     "address": "重庆市渝北区临空前沿科技城", "park": "qianyan", "leader": "leader", "agent": "agent"},
    {"org": "MA5YB0L02", "name": "重庆朗桦房地产开发有限公司", "legal_representative": "何志平",
     "address": "重庆市渝北区悦港大道北侧", "park": None, "leader": "leader", "agent": "agent2"},
    {"org": "MA5YB0N03", "name": "重庆连年佳机械制造有限公司", "legal_representative": "陈永康",
     "address": "重庆市渝北区临空前沿科技城", "park": "qianyan", "leader": "leader", "agent": "agent"},
    {"org": "MA5YB0K04", "name": "中科智远（重庆）科技发展有限公司",
     "legal_representative": "孙立新", "address": "重庆市渝北区临空前沿科技城", "park": "qianyan",
     "leader": "leader", "agent": "agent"},
    {"org": "MA5YB0T05", "name": "重庆天箭惯性科技股份有限公司", "legal_representative": "郑国华",
     "address": "重庆市渝北区临空前沿科技城", "park": "qianyan", "leader": "leader", "agent": "agent"},
    {"org": "MA5YB0B06", "name": "重庆市本江建筑工程有限公司", "legal_representative": "黄德明",
     "address": "重庆市渝北区", "park": None, "leader": "leader", "agent": "agent2"},
    {"org": "MA5YB0F07", "name": "重庆方物棉眠酒店管理有限公司", "legal_representative": "吴秀兰",
     "address": "重庆市江北区", "park": None, "leader": "leader", "agent": "agent2"},
    # Fictional: a company with a recorded false commitment, so it may not use 告知承诺.
    {"org": "MA5YB0Y08", "name": "重庆渝悦汇休闲服务有限公司", "legal_representative": "马春生",
     "address": "重庆市渝北区", "park": None, "leader": "leader", "agent": "agent2",
     "false_commitment_recorded": True},
]

# --- Documents the government holds for a company besides its business licence (免提交) -------------------
# 朗桦 already holds the real-estate title of its plot: the construction-permit package attaches it, while the
# construction-works planning permit, which the portal holds no copy of, is verified internally (由审批部门内部核验).
DOCUMENTS_ON_FILE = [
    {"enterprise": "重庆朗桦房地产开发有限公司", "material": "real_estate_certificate",
     "title": "不动产权证书 渝（2026）渝北区不动产权第000318号", "number": "渝（2026）渝北区不动产权第000318号",
     "issued_at": "2026-03-18", "source": "重庆市渝北区规划和自然资源局（不动产登记中心）",
     "parcel": "悦港大道北侧 B07-2/03 地块"},
]

# --- Accounts: one demo password for all; staff roles get a deterministic TOTP secret -------------------
DEMO_PASSWORD = "Demo-2026-portal"

# People are fictional. Order: leaders and agents first (enterprises point at them), then the rest.
ACCOUNTS = [
    {"username": "leader", "role": "leader", "full_name": "陈志远（分管区领导）", "phone": "13800000001"},
    {"username": "agent", "role": "agent", "full_name": "李晓梅（园区服务专员）", "phone": "13800000002"},
    {"username": "agent2", "role": "agent", "full_name": "周凯（园区服务专员）", "phone": "13800000003"},
    {"username": "applicant", "role": "applicant", "full_name": "王磊", "phone": "13900000001",
     "enterprise": "重庆大江北辰新能源汽车产业发展有限公司"},
    {"username": "applicant_lh", "role": "applicant", "full_name": "杨帆", "phone": "13900000002",
     "enterprise": "重庆朗桦房地产开发有限公司"},
    {"username": "applicant_lnj", "role": "applicant", "full_name": "许静", "phone": "13900000003",
     "enterprise": "重庆连年佳机械制造有限公司"},
    {"username": "applicant_zkzy", "role": "applicant", "full_name": "赵宇", "phone": "13900000004",
     "enterprise": "中科智远（重庆）科技发展有限公司"},
    {"username": "applicant_tj", "role": "applicant", "full_name": "钱程", "phone": "13900000005",
     "enterprise": "重庆天箭惯性科技股份有限公司"},
    {"username": "applicant_bj", "role": "applicant", "full_name": "冯涛", "phone": "13900000006",
     "enterprise": "重庆市本江建筑工程有限公司"},
    {"username": "applicant_fw", "role": "applicant", "full_name": "朱琳", "phone": "13900000007",
     "enterprise": "重庆方物棉眠酒店管理有限公司"},
    {"username": "applicant_yyh", "role": "applicant", "full_name": "胡斌", "phone": "13900000008",
     "enterprise": "重庆渝悦汇休闲服务有限公司"},
    {"username": "clerk", "role": "clerk", "full_name": "邓丽（综合受理窗口）", "phone": "13700000001",
     "department": "cgj", "title": "综合受理窗口受理员"},
    {"username": "staff", "role": "staff", "full_name": "唐勇（城管审批科）", "phone": "13700000002",
     "department": "cgj", "title": "审批科工作人员"},
    {"username": "staff_gh", "role": "staff", "full_name": "彭洁（规划审批科）", "phone": "13700000003",
     "department": "ghzy", "title": "审批科工作人员"},
    {"username": "staff_zj", "role": "staff", "full_name": "蒋伟（住建审批科）", "phone": "13700000004",
     "department": "zjw", "title": "审批科工作人员"},
    {"username": "chief_cg", "role": "chief", "full_name": "罗健（城管首席代表）", "department": "cgj",
     "title": "审批科科长、首席代表"},
    # The urban-management trio used to need the signatures of three review units (seed 000: "申请人前往各审核
    # 单位签署意见"); in the big approval section each unit's head signs as a deputy chief representative.
    {"username": "chief_cg_lh", "role": "chief", "full_name": "何静（城管副首席代表·园林绿化）", "department": "cgj",
     "title": "副首席代表（园林绿化）"},
    {"username": "chief_cg_zm", "role": "chief", "full_name": "高翔（城管副首席代表·城市照明）", "department": "cgj",
     "title": "副首席代表（城市照明）"},
    {"username": "chief_gh", "role": "chief", "full_name": "谢芳（规划首席代表）", "department": "ghzy",
     "title": "审批科科长、首席代表"},
    {"username": "chief_zj", "role": "chief", "full_name": "韩冰（住建首席代表）", "department": "zjw",
     "title": "审批科科长、首席代表"},
    {"username": "chief_hb", "role": "chief", "full_name": "曹敏（生态环境首席代表）", "department": "sthj",
     "title": "审批科科长、首席代表"},
    {"username": "chief_wj", "role": "chief", "full_name": "袁丹（卫健首席代表）", "department": "wjw",
     "title": "审批科科长、首席代表"},
    {"username": "chief_xf", "role": "chief", "full_name": "邱刚（消防首席代表）", "department": "xfjy",
     "title": "审批科科长、首席代表"},
    {"username": "chief_rf", "role": "chief", "full_name": "石磊（人防首席代表）", "department": "rfb",
     "title": "审批科科长、首席代表"},
    {"username": "chief_da", "role": "chief", "full_name": "龙霞（城建档案首席代表）", "department": "cjda",
     "title": "审批科科长、首席代表"},
    {"username": "admin", "role": "admin", "full_name": "系统管理员", "is_staff": True, "is_superuser": True},
    {"username": "supervisor", "role": "supervisor", "full_name": "营商环境观察员"},
]
